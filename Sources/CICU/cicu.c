#include "cicu.h"

#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/unorm2.h>
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

int32_t lt_sentence_breaks(const uint16_t *text, int32_t length, int32_t *boundaries, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *iterator = ubrk_open(UBRK_SENTENCE, "en_US@ss=standard", (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    int32_t count = 0;
    for (int32_t position = ubrk_next(iterator); position != UBRK_DONE; position = ubrk_next(iterator)) {
        if (count < capacity) boundaries[count] = position;
        count++;
    }
    ubrk_close(iterator);
    return count;
}
