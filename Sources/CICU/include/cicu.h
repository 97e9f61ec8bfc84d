#ifndef LSTRACE_CICU_H
#define LSTRACE_CICU_H

// Plain-C bridge over the system ICU. Only <stdint.h> types cross this boundary, so Swift modules that import
// Foundation (which carries its own copy of ICU) never see the system <unicode/*.h> declarations.

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Guesses the charset of `data`. Writes a NUL-terminated name into `name` and the confidence (0-100) into
/// `confidence`. Returns 0 on success, a negative value when ICU could not decide.
int32_t lt_charset_detect(const char *data, int32_t length, char *name, int32_t nameCapacity, int32_t *confidence);

/// Converts `length` bytes in charset `charset` to UTF-8. Returns the number of bytes the result needs; the
/// result is written only when it fits in `capacity`. Returns a negative value on error (unknown charset).
int32_t lt_convert_to_utf8(const char *charset, const char *source, int32_t length, char *destination,
                           int32_t capacity);

/// NFKC-normalizes UTF-16 text. Returns the length the result needs (written only when it fits), or a negative
/// value on error.
int32_t lt_nfkc(const uint16_t *source, int32_t length, uint16_t *destination, int32_t capacity);

/// 1 when the code point starts a new normalization segment under NFKC (text before it never interacts with it).
int32_t lt_nfkc_boundary_before(uint32_t codePoint);

/// 1 when the code point is unchanged by NFKC and never interacts with neighbours.
int32_t lt_nfkc_is_inert(uint32_t codePoint);

/// Sentence boundaries of UTF-16 text (ICU break iterator, locale `en_US@ss=standard`, which keeps
/// abbreviations such as "Mr." inside a sentence). Writes up to `capacity` boundary offsets (UTF-16 units,
/// excluding 0, including `length`) and returns how many there are, or a negative value on error.
int32_t lt_sentence_breaks(const uint16_t *text, int32_t length, int32_t *boundaries, int32_t capacity);

/// ICU's Sentence_Break property value of each BMP code point (`UCHAR_SENTENCE_BREAK`: 0 other, 1 ATerm, 2 Close,
/// 3 Format, 4 Lower, 5 Numeric, 6 OLetter, 7 Sep, 8 Sp, 9 STerm, 10 Upper, 11 CR, 12 Extend, 13 LF, 14 SContinue),
/// written into `classes[0...0xFFFF]`.
void lt_sentence_break_classes(uint8_t *classes);

/// The sentence-break exceptions the `en_US@ss=standard` iterator suppresses breaks after (ICU's break-iterator data,
/// `exceptions/SentenceBreak`), as UTF-16 strings each followed by a 0 unit. Writes them when they fit in `capacity`
/// units and returns the number of units they need, or a negative value when ICU has none.
int32_t lt_sentence_exceptions(uint16_t *buffer, int32_t capacity);


// MARK: - Regular expressions (ICU uregex over UTF-16 text, which ICU matches without copying)

/// A compiled ICU regular expression with its own match state. Not thread-safe: clone one per thread.
typedef struct lt_regex lt_regex;

/// Flags for `lt_regex_open`.
enum {
    LT_REGEX_UNIX_LINES = 1,
    LT_REGEX_CASE_INSENSITIVE = 2,
};

/// Compiles a UTF-16 pattern. On failure returns NULL, writes the UTF-16 offset of the error into `errorOffset`
/// (or -1) and a NUL-terminated message into `message`.
lt_regex *lt_regex_open(const uint16_t *pattern, int32_t length, uint32_t flags, int32_t *errorOffset,
                        char *message, int32_t messageCapacity);

/// A new matcher of the same compiled pattern (cheap: the pattern is shared).
lt_regex *lt_regex_clone(const lt_regex *regex);

/// Frees a matcher.
void lt_regex_close(lt_regex *regex);

/// Number of capture groups.
int32_t lt_regex_group_count(const lt_regex *regex);

/// Number of the named group, or -1.
int32_t lt_regex_group_number(const lt_regex *regex, const uint16_t *name, int32_t length);

/// Sets the text to match: `length` UTF-16 units at `text`, which must stay valid while matching. The text is all
/// the matcher sees: `^`, `$` and lookarounds stop at its ends. Returns 0, or a negative value on error.
int32_t lt_regex_set_text(lt_regex *regex, const uint16_t *text, int32_t length);

/// Restricts matching to `start..<end` of the text. With `transparent`, lookarounds and `\b` see the text
/// outside the region; `^` and `$` never match at the region's ends (only at the text's).
int32_t lt_regex_set_region(lt_regex *regex, int32_t start, int32_t end, int32_t transparent);

/// Lets the JIT form (PCRE2) answer `lt_regex_looking_at`, and `lt_regex_find_next` over the whole text, on the text
/// set last, where it gives ICU's answer (the text must be one `lt_regex_jit_agrees` accepts). `lt_regex_set_text`
/// withdraws it.
void lt_regex_allow_jit(lt_regex *regex, int32_t allowed);

/// Whether the pattern's JIT form is compiled (it is, once the pattern has served 32 tries the JIT form was allowed
/// to answer, unless its syntax is one the two engines read differently).
int32_t lt_regex_has_jit_form(const lt_regex *regex);
/// The same for the searches' JIT form (`lt_regex_find_next` over a whole text).
int32_t lt_regex_has_jit_search(const lt_regex *regex);

/// Whether ICU and PCRE2 read every character of `text` alike (classes, case folding; no surrogates), so that the
/// JIT form may answer for patterns over it. The first text holding a character pays for trying it (about 40
/// matches in each engine).
int32_t lt_regex_jit_agrees(const uint16_t *text, int32_t length);

/// Whether ICU and PCRE2 read every ASCII character alike (then `lt_regex_jit_agrees` holds for every ASCII text).
int32_t lt_regex_jit_agrees_on_ascii(void);

/// Finds the next match in the region. 1 found, 0 none, negative on error (-2: time limit).
int32_t lt_regex_find_next(lt_regex *regex);

/// Whether a match starts exactly at the region's start. 1 yes, 0 no, negative on error (-2: time limit).
int32_t lt_regex_looking_at(lt_regex *regex);

/// Start and end (UTF-16 offsets in the text) of `group` (0: the whole match) of the last match; -1 when the group
/// did not take part.
int32_t lt_regex_start(lt_regex *regex, int32_t group);
int32_t lt_regex_end(lt_regex *regex, int32_t group);

/// Caps the work of one match operation (ICU time-limit units, roughly milliseconds; 0 = none).
void lt_regex_set_time_limit(lt_regex *regex, int32_t limit);

#ifdef __cplusplus
}
#endif

#endif
