#ifndef LSTRACE_REGEX_JIT_H
#define LSTRACE_REGEX_JIT_H
// Internal to the C bridge: the PCRE2 JIT form of an ICU pattern (see regex_jit.c).
#include <stdint.h>
#include <unicode/utypes.h>

/// The JIT form of one pattern, shared by all matchers of the pattern (reference counted), compiled on first use.
typedef struct lt_jit lt_jit;

/// A new JIT form of `pattern` (UTF-16, copied) with `LT_REGEX_*` flags; compiled when first asked to match.
lt_jit *lt_jit_new(const UChar *pattern, int32_t length, uint32_t flags);
lt_jit *lt_jit_retain(lt_jit *jit);
void lt_jit_release(lt_jit *jit);

/// Matches anchored at `start` in `text[0..<length]`, the match ending at or before `end`. 1 match (its groups in
/// `*matchData`, made on first use), 0 no match, -1 no answer (the pattern has no JIT form, the match would end
/// after `end`, or a limit was hit): then ICU must answer.
int32_t lt_jit_looking_at(lt_jit *jit, void **matchData, const UChar *text, int32_t length, int32_t start,
                          int32_t end);

/// The leftmost match starting at or after `from` in `text[0..<length]`: 1 (groups in `*matchData`), 0 none, -1 no
/// answer (no JIT form, or a limit was hit): then ICU must answer.
int32_t lt_jit_find(lt_jit *jit, void **matchData, const UChar *text, int32_t length, int32_t from);

/// Whether the JIT form for tries, or with `forSearches` the one for searches, is compiled and answers.
int32_t lt_jit_is_ready(lt_jit *jit, int32_t forSearches);

/// Start and end of `group` in the last match of `matchData`, -1 when it did not take part.
void lt_jit_group(const void *matchData, int32_t group, int32_t *start, int32_t *end);

void lt_jit_match_data_free(void *matchData);

#endif
