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

#ifdef __cplusplus
}
#endif

#endif
