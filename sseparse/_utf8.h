/* UTF-8 -> str for large event data, equal to bytes.decode("utf-8", "replace").
 *
 * Why: CPython's decoder starts an ASCII str, widens it to UCS-2 and then UCS-4 as
 * wider characters turn up (a copy each time) and, once the text is not ASCII,
 * decodes one character per step; on large mixed text (accents, CJK, emoji) that is
 * ~1.5 ns a character. Valid UTF-8 tells its widest character by its largest byte
 * (< 0xC4: Latin-1, < 0xF0: UCS-2, else UCS-4; overlong forms and surrogates are
 * invalid) and its length by its count of continuation bytes, so one cheap scan gives
 * the exact kind and length, and the str is written once, copying each ASCII run
 * sixteen bytes at a time. Input that is not valid UTF-8 -- or small, or dense
 * multi-byte text -- goes to CPython's decoder, which stays the single place of the
 * replacement rules.
 */
#ifndef SSEPARSE_UTF8_H
#define SSEPARSE_UTF8_H

#include <Python.h>
#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* below this the scan does not pay for itself */
#define SSEPARSE_UTF8_MIN 1024

#if defined(__GNUC__) || defined(__clang__)
#define SSEPARSE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define SSEPARSE_UNLIKELY(x) (x)
#endif

/* Decode the valid sequence at *ps (lead byte >= 0x80), or return -1. */
static inline long sseparse_utf8_multi(const unsigned char **ps, const unsigned char *end)
{
    const unsigned char *s = *ps;
    unsigned int c = s[0], c1, c2, c3;
    if (SSEPARSE_UNLIKELY(end - s < 4)) {               /* near the end: bound each read */
        if (c < 0xE0) { if (end - s < 2) return -1; }
        else if (c < 0xF0) { if (end - s < 3) return -1; }
        else return -1;
    }
    if (c < 0xE0) {
        c1 = s[1];
        if (SSEPARSE_UNLIKELY(c < 0xC2 || (c1 & 0xC0) != 0x80)) return -1;  /* overlong */
        *ps = s + 2;
        return ((c & 0x1F) << 6) | (c1 & 0x3F);
    }
    if (c < 0xF0) {
        c1 = s[1]; c2 = s[2];
        if (SSEPARSE_UNLIKELY((c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80
                              || (c == 0xE0 && c1 < 0xA0)          /* overlong */
                              || (c == 0xED && c1 >= 0xA0)))       /* surrogate */
            return -1;
        *ps = s + 3;
        return ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
    }
    c1 = s[1]; c2 = s[2]; c3 = s[3];
    if (SSEPARSE_UNLIKELY(c > 0xF4 || (c1 & 0xC0) != 0x80 || (c2 & 0xC0) != 0x80
                          || (c3 & 0xC0) != 0x80
                          || (c == 0xF0 && c1 < 0x90)              /* overlong */
                          || (c == 0xF4 && c1 >= 0x90)))           /* above U+10FFFF */
        return -1;
    *ps = s + 4;
    return ((long)(c & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((c2 & 0x3F) << 6) | (c3 & 0x3F);
}

/* The largest byte and the number of continuation bytes (0x80..0xBF) of s[:n]. */
static void sseparse_utf8_scan(const unsigned char *s, Py_ssize_t n, unsigned int *max, Py_ssize_t *cont)
{
    const unsigned char *end = s + n;
    unsigned int m = 0;
    Py_ssize_t c = 0;
#if defined(__SSE2__)
    __m128i vmax = _mm_setzero_si128(), zero = _mm_setzero_si128();
    __m128i lim = _mm_set1_epi8((char)0xC0);      /* as signed bytes, cont < 0xC0 */
    while (end - s >= 16) {
        /* byte counters: at most 255 rounds before they are summed */
        __m128i acc = _mm_setzero_si128();
        int rounds = 0;
        for (; end - s >= 16 && rounds < 255; s += 16, rounds++) {
            __m128i v = _mm_loadu_si128((const __m128i *)s);
            vmax = _mm_max_epu8(vmax, v);
            acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(v, lim));
        }
        __m128i sums = _mm_sad_epu8(acc, zero);
        c += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
    {
        unsigned char lanes[16];
        int i;
        _mm_storeu_si128((__m128i *)lanes, vmax);
        for (i = 0; i < 16; i++) if (lanes[i] > m) m = lanes[i];
    }
#endif
    for (; s < end; s++) {
        unsigned int b = *s;
        if (b > m) m = b;
        c += (b & 0xC0) == 0x80;
    }
    *max = m;
    *cont = c;
}

/* The length of the ASCII prefix of s[:n]; with ``dst``, that prefix copied there. */
static Py_ssize_t sseparse_ascii_copy(const unsigned char *s, Py_ssize_t n, unsigned char *dst)
{
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    for (; n - i >= 16; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(s + i));
        if (_mm_movemask_epi8(v)) break;
        if (dst) _mm_storeu_si128((__m128i *)(dst + i), v);
    }
#endif
    for (; i < n && s[i] < 0x80; i++)
        if (dst) dst[i] = s[i];
    return i;
}

static inline Py_ssize_t sseparse_ascii_prefix(const unsigned char *s, Py_ssize_t n)
{
    return sseparse_ascii_copy(s, n, NULL);
}

/* One loop per kind: T is the code unit; returns 0, or -1 on invalid input. Every
 * unit written consumed one byte that is not a continuation byte, so the scan's
 * count bounds the writes even on invalid input. WIDE16 stores the sixteen bytes at
 * s as sixteen units at out. */
#if defined(__SSE2__)
#define SSEPARSE_UTF8_DECODE_INTO(NAME, T, WIDE16)                                      \
static int NAME(const unsigned char *s, const unsigned char *end, T *out, T *out_end)   \
{                                                                                       \
    while (s < end) {                                                                   \
        if (*s < 0x80) {                   /* an ASCII run, sixteen bytes at a time */  \
            if (end - s >= 16 && out_end - out >= 16) {                                 \
                __m128i v = _mm_loadu_si128((const __m128i *)s);                        \
                unsigned int hi = (unsigned int)_mm_movemask_epi8(v);                   \
                WIDE16                                                                  \
                if (!hi) { s += 16; out += 16; continue; }                              \
                hi = (unsigned int)__builtin_ctz(hi);                                   \
                s += hi; out += hi;                                                     \
            } else {                                                                    \
                *out++ = *s++;                                                          \
                continue;                                                               \
            }                                                                           \
        }                                                                               \
        do {                               /* a run of other characters */              \
            long ch = sseparse_utf8_multi(&s, end);                                     \
            if (SSEPARSE_UNLIKELY(ch < 0)) return -1;                                                      \
            *out++ = (T)ch;                                                             \
        } while (s < end && *s >= 0x80);                                                \
    }                                                                                   \
    return 0;                                                                           \
}
#define SSEPARSE_WIDE_UCS1 _mm_storeu_si128((__m128i *)out, v);
#define SSEPARSE_WIDE_UCS2 {                                                            \
        __m128i z = _mm_setzero_si128();                                                \
        _mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi8(v, z));                      \
        _mm_storeu_si128((__m128i *)(out + 8), _mm_unpackhi_epi8(v, z)); }
#define SSEPARSE_WIDE_UCS4 {                                                            \
        __m128i z = _mm_setzero_si128();                                                \
        __m128i lo = _mm_unpacklo_epi8(v, z), hi8 = _mm_unpackhi_epi8(v, z);            \
        _mm_storeu_si128((__m128i *)out, _mm_unpacklo_epi16(lo, z));                    \
        _mm_storeu_si128((__m128i *)(out + 4), _mm_unpackhi_epi16(lo, z));              \
        _mm_storeu_si128((__m128i *)(out + 8), _mm_unpacklo_epi16(hi8, z));             \
        _mm_storeu_si128((__m128i *)(out + 12), _mm_unpackhi_epi16(hi8, z)); }
#else
#define SSEPARSE_UTF8_DECODE_INTO(NAME, T, WIDE16)                                      \
static int NAME(const unsigned char *s, const unsigned char *end, T *out, T *out_end)   \
{                                                                                       \
    (void)out_end;                                                                      \
    while (s < end) {                                                                   \
        if (*s < 0x80) {                                                                \
            *out++ = *s++;                                                              \
        } else {                                                                        \
            long ch = sseparse_utf8_multi(&s, end);                                     \
            if (SSEPARSE_UNLIKELY(ch < 0)) return -1;                                                      \
            *out++ = (T)ch;                                                             \
        }                                                                               \
    }                                                                                   \
    return 0;                                                                           \
}
#define SSEPARSE_WIDE_UCS1
#define SSEPARSE_WIDE_UCS2
#define SSEPARSE_WIDE_UCS4
#endif

SSEPARSE_UTF8_DECODE_INTO(sseparse_utf8_into_ucs1, Py_UCS1, SSEPARSE_WIDE_UCS1)
SSEPARSE_UTF8_DECODE_INTO(sseparse_utf8_into_ucs2, Py_UCS2, SSEPARSE_WIDE_UCS2)
SSEPARSE_UTF8_DECODE_INTO(sseparse_utf8_into_ucs4, Py_UCS4, SSEPARSE_WIDE_UCS4)

static PyObject *sseparse_decode_utf8(const char *data, Py_ssize_t n)
{
    const unsigned char *s = (const unsigned char *)data, *end = s + n;
    unsigned int maxbyte;
    Py_ssize_t cont, chars;
    PyObject *str;
    int rc;

    if (n < SSEPARSE_UTF8_MIN)
        return PyUnicode_DecodeUTF8(data, n, "replace");
    if (sseparse_ascii_prefix(s, 64) == 64) {
        /* Starts as ASCII, like most large data: copy it into an ASCII str while
         * checking, as CPython does, and give that str up at the first other byte
         * (the scan then skips the prefix, which cannot change its results). */
        Py_ssize_t k;
        str = PyUnicode_New(n, 127);
        if (str == NULL)
            return NULL;
        k = sseparse_ascii_copy(s, n, PyUnicode_1BYTE_DATA(str));
        if (k == n)
            return str;
        Py_DECREF(str);
        sseparse_utf8_scan(s + k, n - k, &maxbyte, &cont);
    } else {
        sseparse_utf8_scan(s, n, &maxbyte, &cont);
    }
    /* > 0xF4 is never in UTF-8. Dense multi-byte text (Cyrillic, CJK: more than 3 of
     * 8 bytes are continuation bytes) has no ASCII runs to copy in blocks, and there
     * CPython's one-character-per-step loop is as fast or faster (measured). */
    if (maxbyte > 0xF4 || cont * 8 > n * 3)
        return PyUnicode_DecodeUTF8(data, n, "replace");
    chars = n - cont;
    if (maxbyte < 0xC4) {
        str = PyUnicode_New(chars, 0xFF);
        if (str == NULL) return NULL;
        rc = sseparse_utf8_into_ucs1(s, end, PyUnicode_1BYTE_DATA(str), PyUnicode_1BYTE_DATA(str) + chars);
    } else if (maxbyte < 0xF0) {
        str = PyUnicode_New(chars, 0xFFFF);
        if (str == NULL) return NULL;
        rc = sseparse_utf8_into_ucs2(s, end, PyUnicode_2BYTE_DATA(str), PyUnicode_2BYTE_DATA(str) + chars);
    } else {
        str = PyUnicode_New(chars, 0x10FFFF);
        if (str == NULL) return NULL;
        rc = sseparse_utf8_into_ucs4(s, end, PyUnicode_4BYTE_DATA(str), PyUnicode_4BYTE_DATA(str) + chars);
    }
    if (rc < 0) {
        Py_DECREF(str);
        return PyUnicode_DecodeUTF8(data, n, "replace");
    }
    return str;
}

#endif
