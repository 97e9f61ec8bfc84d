#include "cicu.h"
#include "regex_jit.h"

#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/udata.h>
#include <unicode/ures.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
#include <unicode/uregex.h>
#include <stdlib.h>
#include <unicode/utypes.h>

int32_t lt_charset_detect(const char *data, int32_t length, char *name, int32_t nameCapacity, int32_t *confidence) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *detector = ucsdet_open(&status);
    if (U_FAILURE(status)) return -1;
    ucsdet_setText(detector, data, length, &status);
    const UCharsetMatch *match = ucsdet_detect(detector, &status);
    if (U_FAILURE(status) || match == NULL) {
        ucsdet_close(detector);
        return -2;
    }
    const char *matched = ucsdet_getName(match, &status);
    int32_t matchedConfidence = ucsdet_getConfidence(match, &status);
    if (U_FAILURE(status) || matched == NULL) {
        ucsdet_close(detector);
        return -3;
    }
    strncpy(name, matched, (size_t)(nameCapacity - 1));
    name[nameCapacity - 1] = 0;
    *confidence = matchedConfidence;
    ucsdet_close(detector);
    return 0;
}

int32_t lt_convert_to_utf8(const char *charset, const char *source, int32_t length, char *destination,
                           int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = ucnv_convert("UTF-8", charset, destination, capacity, source, length, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return needed;
    if (U_FAILURE(status)) return -1;
    return needed;
}

static const UNormalizer2 *nfkc(void) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer = unorm2_getNFKCInstance(&status);
    return U_FAILURE(status) ? NULL : normalizer;
}

int32_t lt_nfkc(const uint16_t *source, int32_t length, uint16_t *destination, int32_t capacity) {
    const UNormalizer2 *normalizer = nfkc();
    if (normalizer == NULL) return -1;
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = unorm2_normalize(normalizer, (const UChar *)source, length, (UChar *)destination, capacity,
                                      &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return needed;
    if (U_FAILURE(status)) return -1;
    return needed;
}

int32_t lt_nfkc_boundary_before(uint32_t codePoint) {
    const UNormalizer2 *normalizer = nfkc();
    if (normalizer == NULL) return 1;
    return unorm2_hasBoundaryBefore(normalizer, (UChar32)codePoint) ? 1 : 0;
}

int32_t lt_nfkc_is_inert(uint32_t codePoint) {
    const UNormalizer2 *normalizer = nfkc();
    if (normalizer == NULL) return 1;
    return unorm2_isInert(normalizer, (UChar32)codePoint) ? 1 : 0;
}

/// The locale of sentence breaks: its iterator suppresses breaks after the locale's exceptions ("ss=standard"), and
/// `lt_sentence_exceptions` reads those exceptions, so both name it here.
#define LT_SENTENCE_LOCALE "en_US"

// Opening a sentence iterator (rules and the abbreviation filter) costs far more than using one, so each thread
// keeps one and gives it each new text.
static _Thread_local UBreakIterator *lt_sentence_iterator = NULL;

int32_t lt_sentence_breaks(const uint16_t *text, int32_t length, int32_t *boundaries, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    if (lt_sentence_iterator == NULL) {
        lt_sentence_iterator = ubrk_open(UBRK_SENTENCE, LT_SENTENCE_LOCALE "@ss=standard", NULL, 0, &status);
        if (U_FAILURE(status)) {
            lt_sentence_iterator = NULL;
            return -1;
        }
    }
    UBreakIterator *iterator = lt_sentence_iterator;
    ubrk_setText(iterator, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    int32_t count = 0;
    for (int32_t position = ubrk_next(iterator); position != UBRK_DONE; position = ubrk_next(iterator)) {
        if (count < capacity) boundaries[count] = position;
        count++;
    }
    return count;
}

void lt_sentence_break_classes(uint8_t *classes) {
    for (uint32_t codePoint = 0; codePoint <= 0xFFFF; codePoint++) {
        classes[codePoint] = (uint8_t)u_getIntPropertyValue((UChar32)codePoint, UCHAR_SENTENCE_BREAK);
    }
}

int32_t lt_sentence_exceptions(uint16_t *buffer, int32_t capacity) {
    // What ICU's FilteredBreakIteratorBuilder reads for the locale's base name (it falls back to "en").
    UErrorCode status = U_ZERO_ERROR;
    UResourceBundle *bundle = ures_open(U_ICUDATA_NAME U_TREE_SEPARATOR_STRING "brkitr", LT_SENTENCE_LOCALE, &status);
    UResourceBundle *exceptions = ures_getByKey(bundle, "exceptions", NULL, &status);
    UResourceBundle *strings = ures_getByKey(exceptions, "SentenceBreak", NULL, &status);
    int32_t needed = -1;
    if (U_SUCCESS(status)) {
        needed = 0;
        int32_t count = ures_getSize(strings);
        for (int32_t index = 0; index < count && U_SUCCESS(status); index++) {
            int32_t length = 0;
            const UChar *string = ures_getStringByIndex(strings, index, &length, &status);
            if (U_FAILURE(status)) break;
            if (needed + length + 1 <= capacity) {
                memcpy(buffer + needed, string, (size_t)length * sizeof(UChar));
                buffer[needed + length] = 0;
            }
            needed += length + 1;
        }
        if (U_FAILURE(status)) needed = -1;
    }
    ures_close(strings);
    ures_close(exceptions);
    ures_close(bundle);
    return needed;
}

// MARK: - Regular expressions

struct lt_regex {
    URegularExpression *expression;
    /// The JIT form (shared with the clones) and this matcher's PCRE2 match data.
    lt_jit *jit;
    void *jitData;
    /// The text and region as set, kept for the JIT form; both are given to ICU only when ICU answers.
    const UChar *text;
    int32_t length;
    int32_t regionStart;
    int32_t regionEnd;
    int32_t transparent;
    int32_t textPending;
    int32_t regionPending;
    /// Whether the caller allowed the JIT form for this text, and whether the last match came from it.
    int32_t jitAllowed;
    int32_t jitMatched;
    /// Where the next search over the whole text starts; whether ICU took the searches over (after no JIT answer).
    int32_t searchFrom;
    int32_t icuSearching;
};

lt_regex *lt_regex_open(const uint16_t *pattern, int32_t length, uint32_t flags, int32_t *errorOffset,
                        char *message, int32_t messageCapacity) {
    uint32_t icuFlags = 0;
    if (flags & LT_REGEX_UNIX_LINES) icuFlags |= UREGEX_UNIX_LINES;
    if (flags & LT_REGEX_CASE_INSENSITIVE) icuFlags |= UREGEX_CASE_INSENSITIVE;
    UParseError parseError;
    memset(&parseError, 0, sizeof parseError);
    UErrorCode status = U_ZERO_ERROR;
    URegularExpression *expression = uregex_open((const UChar *)pattern, length, icuFlags, &parseError, &status);
    if (U_FAILURE(status) || expression == NULL) {
        if (errorOffset) *errorOffset = parseError.offset;
        if (message && messageCapacity > 0) {
            strncpy(message, u_errorName(status), (size_t)(messageCapacity - 1));
            message[messageCapacity - 1] = 0;
        }
        if (expression) uregex_close(expression);
        return NULL;
    }
    lt_regex *regex = malloc(sizeof(lt_regex));
    if (regex == NULL) {
        uregex_close(expression);
        return NULL;
    }
    memset(regex, 0, sizeof *regex);
    regex->expression = expression;
    regex->jit = lt_jit_new((const UChar *)pattern, length, flags);
    return regex;
}

lt_regex *lt_regex_clone(const lt_regex *regex) {
    UErrorCode status = U_ZERO_ERROR;
    URegularExpression *expression = uregex_clone(regex->expression, &status);
    if (U_FAILURE(status) || expression == NULL) return NULL;
    // A safety net under the per-document budget: no single match attempt may run away (roughly seconds).
    uregex_setTimeLimit(expression, 5000, &status);
    status = U_ZERO_ERROR;
    lt_regex *copy = malloc(sizeof(lt_regex));
    if (copy == NULL) {
        uregex_close(expression);
        return NULL;
    }
    memset(copy, 0, sizeof *copy);
    copy->expression = expression;
    copy->jit = lt_jit_retain(regex->jit);
    return copy;
}

void lt_regex_close(lt_regex *regex) {
    if (regex == NULL) return;
    uregex_close(regex->expression);
    lt_jit_match_data_free(regex->jitData);
    lt_jit_release(regex->jit);
    free(regex);
}

int32_t lt_regex_group_count(const lt_regex *regex) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t count = uregex_groupCount(regex->expression, &status);
    return U_FAILURE(status) ? 0 : count;
}

int32_t lt_regex_group_number(const lt_regex *regex, const uint16_t *name, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t number = uregex_groupNumberFromName(regex->expression, (const UChar *)name, length, &status);
    return U_FAILURE(status) ? -1 : number;
}

int32_t lt_regex_set_text(lt_regex *regex, const uint16_t *text, int32_t length) {
    if (length < 0) return -1;
    // ICU is given the text only when it is to answer (`lt_regex_apply_text`): most answers come from the JIT form.
    regex->textPending = 1;
    regex->text = (const UChar *)text;
    regex->length = length;
    regex->regionStart = 0;
    regex->regionEnd = length;
    regex->regionPending = 0;
    regex->jitAllowed = 0;
    regex->jitMatched = 0;
    regex->searchFrom = 0;
    regex->icuSearching = 0;
    return 0;
}

/// Gives ICU the text set last, when ICU is to answer.
static int32_t lt_regex_apply_text(lt_regex *regex) {
    if (!regex->textPending) return 0;
    regex->textPending = 0;
    static const UChar empty[1] = {0};
    UErrorCode status = U_ZERO_ERROR;
    uregex_setText(regex->expression, regex->length > 0 ? regex->text : empty, regex->length, &status);
    return U_FAILURE(status) ? -1 : 0;
}

void lt_regex_allow_jit(lt_regex *regex, int32_t allowed) {
    regex->jitAllowed = allowed;
}

int32_t lt_regex_has_jit_form(const lt_regex *regex) {
    return lt_jit_is_ready(regex->jit, 0);
}

int32_t lt_regex_has_jit_search(const lt_regex *regex) {
    return lt_jit_is_ready(regex->jit, 1);
}

int32_t lt_regex_set_region(lt_regex *regex, int32_t start, int32_t end, int32_t transparent) {
    if (start < 0 || end < start || end > regex->length) return -1;
    regex->regionStart = start;
    regex->regionEnd = end;
    regex->transparent = transparent ? 1 : 0;
    regex->regionPending = 1;
    regex->searchFrom = start;
    regex->icuSearching = 0;
    return 0;
}

/// Gives ICU the region set last, when ICU is to answer.
static int32_t lt_regex_apply_region(lt_regex *regex) {
    if (lt_regex_apply_text(regex) != 0) return -1;
    if (!regex->regionPending) return 0;
    regex->regionPending = 0;
    UErrorCode status = U_ZERO_ERROR;
    uregex_setRegion(regex->expression, regex->regionStart, regex->regionEnd, &status);
    uregex_useTransparentBounds(regex->expression, regex->transparent, &status);
    uregex_useAnchoringBounds(regex->expression, regex->transparent ? 0 : 1, &status);
    return U_FAILURE(status) ? -1 : 0;
}

static int32_t lt_regex_result(UBool found, UErrorCode status) {
    if (status == U_REGEX_TIME_OUT) return -2;
    if (U_FAILURE(status)) return -1;
    return found ? 1 : 0;
}

int32_t lt_regex_find_next(lt_regex *regex) {
    // The JIT form searches only the whole text (a search of a region would read on past its end).
    if (regex->jitAllowed && !regex->icuSearching && regex->regionStart == 0 && regex->regionEnd == regex->length) {
        if (regex->searchFrom > regex->length) {
            regex->jitMatched = 0;
            return 0;
        }
        int32_t answer = lt_jit_find(regex->jit, &regex->jitData, regex->text, regex->length, regex->searchFrom);
        if (answer >= 0) {
            regex->jitMatched = answer;
            if (answer == 1) {
                int32_t start, end;
                lt_jit_group(regex->jitData, 0, &start, &end);
                // After an empty match ICU moves one character on (texts with JIT forms have no surrogates).
                regex->searchFrom = end > start ? end : end + 1;
            } else {
                regex->searchFrom = regex->length + 1;
            }
            return answer;
        }
        // ICU takes over where the JIT form stopped.
        regex->jitMatched = 0;
        regex->icuSearching = 1;
        regex->regionPending = 0;
        if (lt_regex_apply_text(regex) != 0) return -1;
        UErrorCode status = U_ZERO_ERROR;
        UBool found = uregex_find(regex->expression, regex->searchFrom, &status);
        return lt_regex_result(found, status);
    }
    regex->jitMatched = 0;
    regex->icuSearching = 1;
    if (lt_regex_apply_region(regex) != 0) return -1;
    UErrorCode status = U_ZERO_ERROR;
    UBool found = uregex_findNext(regex->expression, &status);
    return lt_regex_result(found, status);
}

int32_t lt_regex_looking_at(lt_regex *regex) {
    // The JIT form answers when the caller allowed it and the region's bounds are transparent (or the region is the
    // whole text): then PCRE2, given the whole text, sees what ICU sees (regex_jit.c says when it answers).
    if (regex->jitAllowed && (regex->transparent || (regex->regionStart == 0 && regex->regionEnd == regex->length))) {
        int32_t answer = lt_jit_looking_at(regex->jit, &regex->jitData, regex->text, regex->length,
                                           regex->regionStart, regex->regionEnd);
        if (answer >= 0) {
            regex->jitMatched = answer;
            return answer;
        }
    }
    regex->jitMatched = 0;
    if (lt_regex_apply_region(regex) != 0) return -1;
    UErrorCode status = U_ZERO_ERROR;
    UBool found = uregex_lookingAt(regex->expression, -1, &status);
    return lt_regex_result(found, status);
}

int32_t lt_regex_start(lt_regex *regex, int32_t group) {
    if (regex->jitMatched) {
        int32_t start, end;
        lt_jit_group(regex->jitData, group, &start, &end);
        return start;
    }
    UErrorCode status = U_ZERO_ERROR;
    int32_t start = uregex_start(regex->expression, group, &status);
    return U_FAILURE(status) ? -1 : start;
}

int32_t lt_regex_end(lt_regex *regex, int32_t group) {
    if (regex->jitMatched) {
        int32_t start, end;
        lt_jit_group(regex->jitData, group, &start, &end);
        return end;
    }
    UErrorCode status = U_ZERO_ERROR;
    int32_t end = uregex_end(regex->expression, group, &status);
    return U_FAILURE(status) ? -1 : end;
}

void lt_regex_set_time_limit(lt_regex *regex, int32_t limit) {
    UErrorCode status = U_ZERO_ERROR;
    uregex_setTimeLimit(regex->expression, limit, &status);
}
