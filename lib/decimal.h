/* Exact reading of a number's text for integer data: no rounding through double. */
#ifndef PARIO_DECIMAL_H
#define PARIO_DECIMAL_H

/* A magnitude of PARIO_DECIMAL_BIG (2^100) stands for any beyond the 64-bit types. */
#define PARIO_DECIMAL_BIG ((__int128)1 << 100)

/* The ceiling of the number text spells, exactly: decimals with a fraction and an
 * exponent ("2.5", "1e30", "-1e-400"), hex integers ("0x7f", "-0x10"), and inf
 * ("inf", "-infinity"); leading zeros are decimal ("010" is ten). Magnitudes are
 * saturated at PARIO_DECIMAL_BIG. *integral (when not NULL): the number is a
 * finite integer (of any size: 1e400 is one). Returns 0 if text is not such a number. */
int pario_decimal_ceil(const char *text, __int128 *ceil, int *integral);

#endif
