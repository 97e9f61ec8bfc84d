// The PCRE2 JIT forms of the rule patterns, for the engine's tries (anchored) and searches over a whole text.
//
// ICU's matcher spends most of a try setting itself up (about 3,700 instructions a try on our rules, 150-500 ns);
// PCRE2's JIT code answers the same try in 25-80 ns. But the two engines are not the same engine, so the JIT form is
// used only where its answer is provably ICU's:
// - the pattern uses only syntax both read alike (`accepts`): no nested or combined sets, no possessive or atomic
//   parts, no escapes beyond the common classes, no cased character outside ASCII, flags i, m and s only;
// - the text holds only characters on which both agree (`lt_regex_jit_agrees`): each character is tried once
//   against every class (`\s \w \d \h \v`), every ASCII letter case-insensitively and the strings ICU's full case
//   folding matches ("ss" for "ß"), in both engines; one difference, and a text holding it is left to ICU. No
//   surrogates (so every text unit is one character);
// - a search (the next match from a place on) is answered only over the whole text set, where PCRE2's search is
//   ICU's: the leftmost match, tried at each position in turn; after an empty match ICU moves one character on, and
//   so does the caller here (PCRE2's own rule, a non-empty match first at the same place, is not used);
// - a match that would end after the try's region is left to ICU: PCRE2 sees the whole text, where ICU stops
//   consuming at the region's end (lookarounds see the whole text in both, the region's bounds being transparent).
//   A path that fits the region is the same path in both, so PCRE2's first match that fits is ICU's, and when PCRE2
//   finds none, ICU finds none;
// - any PCRE2 error (match limit, JIT stack) is left to ICU.
#define PCRE2_CODE_UNIT_WIDTH 16
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/uregex.h>

#include "cicu.h"
#include "regex_jit.h"

/// Tries a pattern serves with ICU before its JIT form is compiled (about 0.2 ms a pattern): a run of a few documents
/// does not pay for forms it would hardly use.
enum { compileAfter = 32 };

/// One compiled form (anchored, for tries; or not, for searches), compiled after `compileAfter` uses.
struct lt_jit_form {
    /// 0: not compiled yet; 1: ready; 2: no JIT form.
    atomic_int state;
    /// Uses asked for while not compiled yet.
    atomic_int uses;
    pcre2_code *code;
};

enum { formForTries = 0, formForSearches = 1 };

struct lt_jit {
    atomic_int references;
    pthread_mutex_t lock;
    UChar *pattern;
    int32_t length;
    uint32_t flags;
    pcre2_match_context *context;
    struct lt_jit_form forms[2];
};

// MARK: - Which patterns

static int isClassEscape(UChar c) {
    return c != 0 && c < 0x80 && strchr("sSwWdDhHvV", (int)c) != NULL;
}

/// Whether both engines read `pattern` alike (see the top of the file). Conservative: refusing is always safe.
static int accepts(const UChar *p, int32_t n) {
    int inClass = 0;
    int32_t classStart = 0;
    for (int32_t i = 0; i < n; i++) {
        UChar c = p[i];
        if (c >= 0x80) {
            if (U16_IS_SURROGATE(c) || u_hasBinaryProperty(c, UCHAR_CASED)
                || u_hasBinaryProperty(c, UCHAR_CHANGES_WHEN_CASEFOLDED)) return 0;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= n) return 0;
            UChar e = p[++i];
            if (e >= 0x80) return 0;
            if (isClassEscape(e) || (e != 0 && strchr("tnrfae", (int)e) != NULL)) continue;
            if (e == 'b' || e == 'B' || e == 'A' || e == 'z' || e == 'Z') {
                if (inClass && e != 'b') return 0;
                continue;
            }
            if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) return 0;
            continue;  // escaped punctuation
        }
        if (inClass) {
            if (c == '[') return 0;  // ICU: a nested set or property; PCRE2: a literal or a POSIX class
            if (c == '&' && i + 1 < n && p[i + 1] == '&') return 0;
            if (c == '-') {
                if (i == classStart || (i + 1 < n && p[i + 1] == ']')) continue;  // literal in both
                if (p[i - 1] == '-' || (i + 1 < n && p[i + 1] == '-')) return 0;
                if (i >= 2 && p[i - 2] == '\\' && isClassEscape(p[i - 1])) return 0;
                if (i + 2 < n && p[i + 1] == '\\' && (isClassEscape(p[i + 2]) || p[i + 2] == 'p' || p[i + 2] == 'P'))
                    return 0;
                continue;
            }
            if (c == ']') inClass = 0;
            continue;
        }
        switch (c) {
        case '[':
            inClass = 1;
            if (i + 1 < n && p[i + 1] == '^') i++;
            classStart = i + 1;
            if (classStart < n && p[classStart] == ']') return 0;  // PCRE2: a literal ']'; ICU: an error
            break;
        case '(':
            if (i + 1 < n && p[i + 1] == '?') {
                UChar k = i + 2 < n ? p[i + 2] : 0;
                if (k == ':' || k == '=' || k == '!') break;
                if (k == '<') {
                    UChar k2 = i + 3 < n ? p[i + 3] : 0;
                    if (k2 == '=' || k2 == '!' || (k2 >= 'A' && k2 <= 'Z') || (k2 >= 'a' && k2 <= 'z')) break;
                    return 0;
                }
                int32_t j = i + 2;
                while (j < n && (p[j] == 'i' || p[j] == 'm' || p[j] == 's' || p[j] == '-')) j++;
                if (j == i + 2 || j >= n || (p[j] != ')' && p[j] != ':')) return 0;  // (?> (?# (?x) (?w) ...
            }
            break;
        case '+': case '*': case '?': case '}':
            if (i + 1 < n && p[i + 1] == '+') return 0;  // possessive
            break;
        default:
            break;
        }
    }
    return !inClass;
}

// MARK: - Compiling

static pcre2_code *compileWithPCRE2(const UChar *pattern, int32_t length, uint32_t flags, uint32_t extra) {
    pcre2_compile_context *context = pcre2_compile_context_create(NULL);
    if (context == NULL) return NULL;
    // ICU's UNIX_LINES: only a line feed ends a line, for `.`, `^`, `$`.
    pcre2_set_newline(context, PCRE2_NEWLINE_LF);
    // ALT_CIRCUMFLEX: in multiline mode `^` also matches after a line feed that ends the text, as in ICU.
    uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_ALT_CIRCUMFLEX | extra;
    if (flags & LT_REGEX_CASE_INSENSITIVE) options |= PCRE2_CASELESS;
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern, (PCRE2_SIZE)length, options, &error, &offset, context);
    pcre2_compile_context_free(context);
    if (code == NULL) return NULL;
    if (pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
        pcre2_code_free(code);
        return NULL;
    }
    return code;
}

lt_jit *lt_jit_new(const UChar *pattern, int32_t length, uint32_t flags) {
    lt_jit *jit = calloc(1, sizeof(lt_jit));
    if (jit == NULL) return NULL;
    jit->pattern = malloc(sizeof(UChar) * (size_t)(length > 0 ? length : 1));
    if (jit->pattern == NULL) {
        free(jit);
        return NULL;
    }
    memcpy(jit->pattern, pattern, sizeof(UChar) * (size_t)length);
    jit->length = length;
    jit->flags = flags;
    atomic_init(&jit->references, 1);  // the forms' states and counts start at 0 (calloc)
    pthread_mutex_init(&jit->lock, NULL);
    return jit;
}

lt_jit *lt_jit_retain(lt_jit *jit) {
    if (jit != NULL) atomic_fetch_add(&jit->references, 1);
    return jit;
}

void lt_jit_release(lt_jit *jit) {
    if (jit == NULL || atomic_fetch_sub(&jit->references, 1) != 1) return;
    for (int index = 0; index < 2; index++) {
        if (jit->forms[index].code) pcre2_code_free(jit->forms[index].code);
    }
    if (jit->context) pcre2_match_context_free(jit->context);
    pthread_mutex_destroy(&jit->lock);
    free(jit->pattern);
    free(jit);
}

/// The form `index` (`formForTries` or `formForSearches`), compiled once the pattern has served `compileAfter`
/// uses of it; NULL while it is not compiled, or when the pattern has no JIT form.
static pcre2_code *ready(lt_jit *jit, int index) {
    struct lt_jit_form *form = &jit->forms[index];
    int state = atomic_load_explicit(&form->state, memory_order_acquire);
    if (state != 0) return state == 1 ? form->code : NULL;
    if (atomic_fetch_add_explicit(&form->uses, 1, memory_order_relaxed) < compileAfter) return NULL;
    pthread_mutex_lock(&jit->lock);
    state = atomic_load_explicit(&form->state, memory_order_relaxed);
    if (state == 0) {
        state = 2;
        if (accepts(jit->pattern, jit->length)) {
            if (jit->context == NULL) {
                jit->context = pcre2_match_context_create(NULL);
                // A safety net like ICU's time limit: a match that backtracks this much is left to ICU.
                if (jit->context) pcre2_set_match_limit(jit->context, 1000000);
            }
            if (jit->context) {
                form->code = compileWithPCRE2(jit->pattern, jit->length, jit->flags,
                                              index == formForTries ? PCRE2_ANCHORED : 0);
            }
            if (form->code) state = 1;
        }
        atomic_store_explicit(&form->state, state, memory_order_release);
    }
    pthread_mutex_unlock(&jit->lock);
    return state == 1 ? form->code : NULL;
}

static int32_t matchWith(lt_jit *jit, pcre2_code *code, void **matchData, const UChar *text, int32_t length,
                         int32_t start) {
    if (*matchData == NULL) {
        // Both forms have the pattern's groups: one match data serves both.
        *matchData = pcre2_match_data_create_from_pattern(code, NULL);
        if (*matchData == NULL) return -1;
    }
    static const UChar empty[1] = {0};
    int rc = pcre2_jit_match(code, length > 0 ? (PCRE2_SPTR)text : (PCRE2_SPTR)empty, (PCRE2_SIZE)length,
                             (PCRE2_SIZE)start, 0, *matchData, jit->context);
    if (rc == PCRE2_ERROR_NOMATCH) return 0;
    return rc < 0 ? -1 : 1;
}

// MARK: - Matching

int32_t lt_jit_looking_at(lt_jit *jit, void **matchData, const UChar *text, int32_t length, int32_t start,
                          int32_t end) {
    pcre2_code *code = jit == NULL ? NULL : ready(jit, formForTries);
    if (code == NULL) return -1;
    int32_t answer = matchWith(jit, code, matchData, text, length, start);
    if (answer == 1 && pcre2_get_ovector_pointer(*matchData)[1] > (PCRE2_SIZE)end) return -1;
    return answer;
}

int32_t lt_jit_find(lt_jit *jit, void **matchData, const UChar *text, int32_t length, int32_t from) {
    pcre2_code *code = jit == NULL ? NULL : ready(jit, formForSearches);
    if (code == NULL) return -1;
    return matchWith(jit, code, matchData, text, length, from);
}

int32_t lt_jit_is_ready(lt_jit *jit, int32_t forSearches) {
    return jit != NULL
        && atomic_load_explicit(&jit->forms[forSearches ? formForSearches : formForTries].state,
                                memory_order_acquire) == 1;
}

void lt_jit_group(const void *matchData, int32_t group, int32_t *start, int32_t *end) {
    *start = -1;
    *end = -1;
    if (matchData == NULL || group < 0) return;
    pcre2_match_data *data = (pcre2_match_data *)matchData;
    if ((uint32_t)group >= pcre2_get_ovector_count(data)) return;
    PCRE2_SIZE *ovector = pcre2_get_ovector_pointer(data);
    if (ovector[2 * group] == PCRE2_UNSET) return;
    *start = (int32_t)ovector[2 * group];
    *end = (int32_t)ovector[2 * group + 1];
}

void lt_jit_match_data_free(void *matchData) {
    if (matchData) pcre2_match_data_free((pcre2_match_data *)matchData);
}

// MARK: - Which characters

// Each probe is a pattern both engines compile; a character on which they disagree for any probe (one matches it,
// the other not) is left to ICU.
static const char *const probeSources[] = {
    "\\s", "\\w", "\\d", "\\h", "\\v",
    "(?i)ss", "(?i)st", "(?i)ff", "(?i)fi", "(?i)fl", "(?i)ffi", "(?i)ffl",
    "(?i)a", "(?i)b", "(?i)c", "(?i)d", "(?i)e", "(?i)f", "(?i)g", "(?i)h", "(?i)i", "(?i)j", "(?i)k", "(?i)l",
    "(?i)m", "(?i)n", "(?i)o", "(?i)p", "(?i)q", "(?i)r", "(?i)s", "(?i)t", "(?i)u", "(?i)v", "(?i)w", "(?i)x",
    "(?i)y", "(?i)z",
};
enum { probeCount = sizeof probeSources / sizeof probeSources[0] };

static pthread_once_t probesOnce = PTHREAD_ONCE_INIT;
static pthread_mutex_t probesLock = PTHREAD_MUTEX_INITIALIZER;
static URegularExpression *probesICU[probeCount];
static pcre2_code *probesPCRE2[probeCount];
static pcre2_match_data *probesData;
static int probesReady = 0;
/// Whether both engines agree on every ASCII character (then runs of ASCII are passed over four units at a time).
static int asciiAgrees = 0;
/// Per BMP character: 0 not tried yet, 1 both engines agree, 2 they differ.
static _Atomic uint8_t verdicts[0x10000];

static void makeProbes(void) {
    int ok = 1;
    for (int i = 0; i < probeCount; i++) {
        UChar source[16];
        int32_t length = (int32_t)strlen(probeSources[i]);
        for (int32_t j = 0; j < length; j++) source[j] = (UChar)probeSources[i][j];
        UErrorCode status = U_ZERO_ERROR;
        UParseError parseError;
        probesICU[i] = uregex_open(source, length, UREGEX_UNIX_LINES, &parseError, &status);
        probesPCRE2[i] = compileWithPCRE2(source, length, LT_REGEX_UNIX_LINES, 0);
        if (U_FAILURE(status) || probesICU[i] == NULL || probesPCRE2[i] == NULL) ok = 0;
    }
    probesData = pcre2_match_data_create(4, NULL);
    probesReady = ok && probesData != NULL;
}

static uint8_t verdict(UChar c);

static void makeASCIIVerdicts(void) {
    asciiAgrees = 1;
    for (UChar c = 0; c < 0x80; c++) {
        uint8_t known = verdict(c);
        atomic_store_explicit(&verdicts[c], known, memory_order_relaxed);
        if (known != 1) asciiAgrees = 0;
    }
}

static void prepare(void) {
    makeProbes();
    if (probesReady) makeASCIIVerdicts();
}

static uint8_t verdict(UChar c) {
    if (U16_IS_SURROGATE(c)) return 2;
    pthread_mutex_lock(&probesLock);
    uint8_t result = 1;
    for (int i = 0; i < probeCount && result == 1; i++) {
        UErrorCode status = U_ZERO_ERROR;
        uregex_setText(probesICU[i], &c, 1, &status);
        UBool icu = uregex_find(probesICU[i], 0, &status);
        if (U_FAILURE(status)) result = 2;
        int rc = pcre2_jit_match(probesPCRE2[i], (PCRE2_SPTR)&c, 1, 0, 0, probesData, NULL);
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) result = 2;
        if ((icu != 0) != (rc > 0)) result = 2;
    }
    pthread_mutex_unlock(&probesLock);
    return result;
}

int32_t lt_regex_jit_agrees_on_ascii(void) {
    pthread_once(&probesOnce, prepare);
    return probesReady && asciiAgrees;
}

int32_t lt_regex_jit_agrees(const uint16_t *text, int32_t length) {
    pthread_once(&probesOnce, prepare);
    if (!probesReady) return 0;
    for (int32_t i = 0; i < length; i++) {
        if (asciiAgrees) {
            while (i + 4 <= length) {
                uint64_t four;
                memcpy(&four, text + i, sizeof four);
                if (four & 0xFF80FF80FF80FF80ull) break;
                i += 4;
            }
            if (i >= length) break;
        }
        UChar c = text[i];
        uint8_t known = atomic_load_explicit(&verdicts[c], memory_order_relaxed);
        if (known == 0) {
            known = verdict(c);
            atomic_store_explicit(&verdicts[c], known, memory_order_relaxed);
        }
        if (known != 1) return 0;
    }
    return 1;
}
