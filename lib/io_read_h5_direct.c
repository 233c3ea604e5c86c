/* The direct path for chunked datasets read whole chunks per rank, unfiltered or
 * gzip (deflate, with or without shuffle): HDF5's filter pipeline allocates and frees
 * chunk-sized buffers for every chunk, grows inflate's output by doubling, copies
 * the unshuffled chunk into its cache and from there into the caller's buffer.
 * Here each rank takes a chunk's stored bytes at the address HDF5 gives
 * (H5Dget_chunk_info_by_coord, looked up for every chunk by every rank at open:
 * collective metadata reads) from a memory map of the file (io_map.c, exactly the
 * bytes of the chunks it reads, one window at a time, unmapped as it moves on; a
 * file that shrinks under the map is reported, as for raw files), or with --no-mmap
 * (or a file that cannot be mapped) with MPI-IO on HDF5's own handle. Unfiltered
 * chunks in the host's byte order are not copied at all: the reader hands the
 * caller pointers into the map (pario_h5direct_span: a run of chunks that lie next
 * to each other in the file is one piece). Otherwise pario inflates a chunk with
 * its whole-buffer decoder (lib/inflate.c: adler32 checked; zlib for what it
 * refuses) into one reused buffer and unshuffles it straight into the step's buffer (or,
 * for a band a step only partly holds, into a band buffer kept for the next
 * step); an unfiltered chunk that fills its band is copied (or read) straight into
 * the step's buffer. H5Dread_chunk would do the read, but HDF5 1.10 does not support it with
 * parallel HDF5. Anything else (another filter, a chunk never written) is left to
 * H5Dread. The open is all ranks or none; on this path the reader's steps have
 * no collective call (each rank its own count of steps, one agreement at the
 * end: io_read.c), so a chunk that does not read or inflate to a whole chunk is
 * an error, never an H5Dread on one rank alone. Exact: the same bytes HDF5's
 * pipeline gives (the adler32 of every chunk is checked, as zlib does). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "inflate.h"
#include "io_internal.h"
#include "io_map.h"

struct pario_h5direct {
    MPI_File fh;          /* HDF5's MPI-IO handle (HDF5 closes it) */
    size_t esize;
    uint64_t rows, cols;  /* the dataset as rows x cols (1-D: n x 1) */
    uint64_t crows, ccols; /* chunk shape (1-D: length x 1) */
    uint64_t nbands, nccols; /* chunk rows, chunks per band */
    int nfilters;
    int filter[8];        /* pipeline order: H5Z_FILTER_SHUFFLE or H5Z_FILTER_DEFLATE */
    uint64_t *addr, *size; /* per chunk (band-major), stored bytes */
    unsigned *mask;       /* filters skipped per chunk */
    unsigned char *cbuf, *ibuf, *sbuf, *band; /* stored bytes, inflated, unshuffled, a band */
    size_t cmax;
    uint64_t band_at;     /* the band held in `band`, or UINT64_MAX */
    struct pario_map *map; /* the file's chunks, mapped one piece at a time (io_map.c), or NULL: MPI-IO */
    pario_status err;     /* why the last read failed, when it was the map's failure */
};

void pario_h5direct_free(struct pario_h5direct *d)
{
    if (!d)
        return;
    free(d->addr);
    free(d->size);
    free(d->mask);
    free(d->cbuf);
    free(d->ibuf);
    free(d->sbuf);
    free(d->band);
    pario_map_close(d->map);
    free(d);
}

/* Collective (every rank, the same calls): NULL when the dataset is not one this
 * path reads; HDF5 errors are muted by the caller's H5E_BEGIN_TRY. */
struct pario_h5direct *pario_h5direct_open(hid_t file, hid_t dset, const pario_dataset *ds, size_t esize,
                                           int use_map, MPI_Comm comm)
{
    if (ds->h5_layout != PARIO_H5_CHUNKED || (ds->ndims == 2) != (ds->h5_chunk_ndims == 2) || !ds->nelems)
        return NULL;
    hid_t dcpl = H5Dget_create_plist(dset);
    if (dcpl < 0)
        return NULL;
    struct pario_h5direct *d = calloc(1, sizeof *d);
    int nf = H5Pget_nfilters(dcpl), ok = d && nf >= 0 && nf <= 8; /* 0: unfiltered chunks, read as they are */
    for (int i = 0; ok && i < nf; i++) {
        unsigned flags, cd[8];
        size_t ncd = 8;
        H5Z_filter_t id = H5Pget_filter2(dcpl, (unsigned)i, &flags, &ncd, cd, 0, NULL, NULL);
        ok = id == H5Z_FILTER_SHUFFLE || id == H5Z_FILTER_DEFLATE;
        if (ok)
            d->filter[i] = (int)id;
    }
    H5Pclose(dcpl);
    void *handle = NULL;
    if (!ok || H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle) {
        pario_h5direct_free(d);
        return NULL;
    }
    d->fh = *(MPI_File *)handle;
    d->nfilters = nf;
    d->esize = esize;
    d->rows = ds->ndims == 2 ? ds->shape[0] : ds->nelems;
    d->cols = ds->ndims == 2 ? ds->shape[1] : 1;
    d->crows = ds->h5_chunk[0];
    d->ccols = ds->ndims == 2 ? ds->h5_chunk[1] : 1;
    d->nbands = (d->rows + d->crows - 1) / d->crows;
    d->nccols = (d->cols + d->ccols - 1) / d->ccols;
    uint64_t n = d->nbands * d->nccols;
    haddr_t base = 0;
    hid_t fcpl = H5Fget_create_plist(file);
    hsize_t ub = 0;
    if (fcpl >= 0 && H5Pget_userblock(fcpl, &ub) >= 0)
        base = (haddr_t)ub; /* chunk addresses are relative to the end of a user block */
    if (fcpl >= 0)
        H5Pclose(fcpl);
    d->addr = malloc(n * sizeof *d->addr);
    d->size = malloc(n * sizeof *d->size);
    d->mask = malloc(n * sizeof *d->mask);
    int mine = d->addr && d->size && d->mask;
    MPI_Allreduce(&mine, &ok, 1, MPI_INT, MPI_MIN, comm); /* the lookups below are collective */
    for (uint64_t k = 0; ok && k < n; k++) {
        hsize_t at[2] = { (k / d->nccols) * d->crows, (k % d->nccols) * d->ccols };
        unsigned m = 0;
        haddr_t a = HADDR_UNDEF;
        hsize_t sz = 0;
        ok = H5Dget_chunk_info_by_coord(dset, at, &m, &a, &sz) >= 0 && a != HADDR_UNDEF && sz > 0 && sz < INT32_MAX;
        d->addr[k] = (uint64_t)(a + base);
        d->size[k] = sz;
        d->mask[k] = m;
        if (ok && sz > d->cmax)
            d->cmax = (size_t)sz;
    }
    size_t cbytes = (size_t)(d->crows * d->ccols) * esize;
    if (ok) {
        d->cbuf = malloc(d->cmax);
        d->ibuf = malloc(cbytes + PARIO_INFLATE_SLACK);
        d->sbuf = malloc(cbytes + PARIO_INFLATE_SLACK);
        ok = d->cbuf && d->ibuf && d->sbuf;
    }
    d->band_at = UINT64_MAX;
    /* all ranks or none: the reader's steps then have no collective call (io_read.c) */
    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, comm);
    ok = all;
    if (!ok) {
        pario_h5direct_free(d);
        return NULL;
    }
    d->err = pario_ok();
    if (use_map) {
        /* this rank's own choice (the steps are local): a file that cannot be
         * mapped, or is shorter than its chunks (the reads then fail), is read with MPI-IO */
        uint64_t end = 0;
        for (uint64_t k = 0; k < n; k++)
            if (d->addr[k] + d->size[k] > end)
                end = d->addr[k] + d->size[k];
        pario_status ms = pario_map_open(&d->map, ds->path, 0, end, 0, PARIO_MAP_EXACT);
        if (pario_failed(&ms))
            d->map = NULL;
    }
    return d;
}

int pario_h5direct_mapped(const struct pario_h5direct *d)
{
    return d && d->map;
}

pario_status pario_h5direct_status(const struct pario_h5direct *d)
{
    pario_status st = d->err;
    if (!pario_failed(&st))
        st = pario_map_check_size(d->map);
    return st;
}

const void *pario_h5direct_span(struct pario_h5direct *d, const pario_view *v, uint64_t start, uint64_t n,
                                uint64_t *got, pario_status *st)
{
    *got = 0;
    *st = pario_ok();
    const size_t s = d->esize, cbytes = (size_t)(d->crows * d->ccols) * s;
    if (!d->map || d->nfilters || d->nccols != 1 || d->ccols != d->cols || !n)
        return NULL;
    /* a band is one chunk, row-major with the dataset's rows: element e of band b
     * lies at addr[b] + e * s, and the last band's chunk is stored whole */
    const uint64_t be = d->crows * d->cols, total = d->rows * d->cols;
    uint64_t g, run = pario_view_run(v, start, &g);
    uint64_t want = run < n ? run : n, b = g / be, in = g - b * be, m = 0;
    const uint64_t pos = d->addr[b] + in * s;
    if (pos % s)
        return NULL; /* elements not aligned in memory: copied */
    for (;;) {
        if (d->size[b] != cbytes)
            break;
        uint64_t bl = b + 1 < d->nbands ? be : total - b * be;
        m += bl - in;
        in = 0;
        if (m >= want || b + 1 >= d->nbands || d->addr[b + 1] != d->addr[b] + d->size[b])
            break;
        b++;
    }
    if (!m)
        return NULL;
    if (m > want)
        m = want;
    const void *p = pario_map_get(d->map, pos, (size_t)(m * s), st);
    if (p)
        *got = m;
    return p;
}

/* HDF5's shuffle, undone: byte j of element i was stored at j * n + i; the first
 * m (<= n) elements to out. 8- and 4-byte elements: byte-matrix transposes of 8
 * or 16 elements a step (SSE2 unpacks), the rest one byte at a time. */
static void unshuffle(const unsigned char *in, unsigned char *out, size_t n, size_t m, size_t s)
{
    size_t i = 0;
#ifdef __SSE2__
    if (s == 8) {
        for (; i + 8 <= m; i += 8) {
            __m128i a[8];
            for (int j = 0; j < 8; j++)
                a[j] = _mm_loadl_epi64((const __m128i *)(const void *)(in + (size_t)j * n + i));
            __m128i t0 = _mm_unpacklo_epi8(a[0], a[1]), t1 = _mm_unpacklo_epi8(a[2], a[3]);
            __m128i t2 = _mm_unpacklo_epi8(a[4], a[5]), t3 = _mm_unpacklo_epi8(a[6], a[7]);
            __m128i u0 = _mm_unpacklo_epi16(t0, t1), u1 = _mm_unpackhi_epi16(t0, t1);
            __m128i u2 = _mm_unpacklo_epi16(t2, t3), u3 = _mm_unpackhi_epi16(t2, t3);
            __m128i *o = (__m128i *)(void *)(out + i * 8);
            _mm_storeu_si128(o, _mm_unpacklo_epi32(u0, u2));
            _mm_storeu_si128(o + 1, _mm_unpackhi_epi32(u0, u2));
            _mm_storeu_si128(o + 2, _mm_unpacklo_epi32(u1, u3));
            _mm_storeu_si128(o + 3, _mm_unpackhi_epi32(u1, u3));
        }
    } else if (s == 4) {
        for (; i + 16 <= m; i += 16) {
            __m128i a0 = _mm_loadu_si128((const __m128i *)(const void *)(in + i));
            __m128i a1 = _mm_loadu_si128((const __m128i *)(const void *)(in + n + i));
            __m128i a2 = _mm_loadu_si128((const __m128i *)(const void *)(in + 2 * n + i));
            __m128i a3 = _mm_loadu_si128((const __m128i *)(const void *)(in + 3 * n + i));
            __m128i t0 = _mm_unpacklo_epi8(a0, a1), t1 = _mm_unpackhi_epi8(a0, a1);
            __m128i t2 = _mm_unpacklo_epi8(a2, a3), t3 = _mm_unpackhi_epi8(a2, a3);
            __m128i *o = (__m128i *)(void *)(out + i * 4);
            _mm_storeu_si128(o, _mm_unpacklo_epi16(t0, t2));
            _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(t0, t2));
            _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(t1, t3));
            _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(t1, t3));
        }
    }
#endif
    for (; i < m; i++)
        for (size_t j = 0; j < s; j++)
            out[i * s + j] = in[j * n + i];
}

/* Band b, row-major (its rows x all columns), into out; 0 on failure. */
static int decode_band(struct pario_h5direct *d, uint64_t b, unsigned char *out)
{
    const size_t s = d->esize, celems = (size_t)(d->crows * d->ccols), cbytes = celems * s;
    const uint64_t brows = b + 1 < d->nbands ? d->crows : d->rows - b * d->crows;
    for (uint64_t c = 0; c < d->nccols; c++) {
        uint64_t k = b * d->nccols + c;
        MPI_Status status;
        int got = 0;
        const uint64_t c0 = c * d->ccols, w = c0 + d->ccols <= d->cols ? d->ccols : d->cols - c0;
        /* one chunk per band, shuffled last: straight into out */
        const int direct = d->nccols == 1 && d->ccols == d->cols;
        /* a whole unfiltered chunk of a band that holds one: read straight into out */
        const unsigned every = (1u << d->nfilters) - 1u; /* the mask with every filter skipped */
        const int as_is = direct && brows == d->crows && d->size[k] == cbytes && (d->mask[k] & every) == every;
        const unsigned char *data = d->cbuf;
        if (d->map) { /* the stored bytes where they lie in the page cache */
            data = pario_map_get(d->map, d->addr[k], (size_t)d->size[k], &d->err);
            if (!data)
                return 0;
            if (as_is) {
                memcpy(out, data, (size_t)d->size[k]);
                continue;
            }
        } else {
            unsigned char *into = as_is ? out : d->cbuf;
            if (MPI_File_read_at(d->fh, (MPI_Offset)d->addr[k], into, (int)d->size[k], MPI_BYTE, &status) != MPI_SUCCESS ||
                MPI_Get_count(&status, MPI_BYTE, &got) != MPI_SUCCESS || (uint64_t)got != d->size[k])
                return 0;
            if (as_is)
                continue;
        }
        size_t len = (size_t)d->size[k];
        int placed = 0;
        for (int i = d->nfilters - 1; i >= 0; i--) {
            if (d->mask[k] & (1u << i))
                continue;
            if (d->filter[i] == H5Z_FILTER_DEFLATE) {
                unsigned char *to = data == d->ibuf ? d->sbuf : d->ibuf;
                if (pario_inflate(data, len, to, cbytes) != 0)
                    return 0;
                data = to;
                len = cbytes;
            } else {
                if (len != cbytes)
                    return 0;
                int last = 1;
                for (int j = i - 1; j >= 0; j--)
                    if (!(d->mask[k] & (1u << j)))
                        last = 0;
                unsigned char *to = direct && last ? out : data == d->sbuf ? d->ibuf : d->sbuf;
                unshuffle(data, to, celems, direct && last ? (size_t)(brows * w) : celems, s);
                data = to;
                placed = to == out;
            }
        }
        if (len != cbytes)
            return 0;
        if (!placed)
            for (uint64_t r = 0; r < brows; r++)
                memcpy(out + (r * d->cols + c0) * s, data + r * d->ccols * s, (size_t)w * s);
    }
    return 1;
}

int pario_h5direct_read(struct pario_h5direct *d, const pario_view *v, uint64_t start, uint64_t n, void *buf)
{
    const size_t s = d->esize;
    const uint64_t band_elems = d->crows * d->cols, total = d->rows * d->cols;
    unsigned char *out = buf;
    for (uint64_t done = 0; done < n;) {
        uint64_t g, run = pario_view_run(v, start + done, &g);
        uint64_t m = run < n - done ? run : n - done;
        while (m) {
            uint64_t b = g / band_elems, bg = b * band_elems;
            uint64_t bl = bg + band_elems <= total ? band_elems : total - bg;
            uint64_t k = bg + bl - g < m ? bg + bl - g : m;
            if (g == bg && k == bl && d->band_at != b) {
                if (!decode_band(d, b, out + done * s))
                    return 0;
            } else {
                if (!d->band && !(d->band = malloc((size_t)band_elems * s)))
                    return 0;
                if (d->band_at != b) {
                    d->band_at = UINT64_MAX;
                    if (!decode_band(d, b, d->band))
                        return 0;
                    d->band_at = b;
                }
                memcpy(out + done * s, d->band + (g - bg) * s, (size_t)k * s);
            }
            g += k;
            m -= k;
            done += k;
        }
    }
    return 1;
}
