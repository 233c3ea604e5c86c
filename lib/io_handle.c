/* The reader and writer as opaque handles: allocated here, their fields are the
 * engine's own (lib/io_internal.h); callers see only the accessors below. */
#include "config.h"
#include <stdlib.h>
#include "pario/io.h"
#include "io_internal.h"

/* Collective: every rank has its handle, or none has (a rank whose allocation
 * failed still joins the agreement). */
static pario_status alloc_handle(void **p, size_t size, MPI_Comm comm)
{
    *p = calloc(1, size);
    pario_status st = *p ? pario_ok() : pario_error(PARIO_ERR_RUNTIME, "out of memory");
    if (pario_agree(&st, comm)) {
        free(*p);
        *p = NULL;
    }
    return st;
}

pario_status pario_reader_open(pario_reader **rp, const pario_dataset *ds, const pario_view *view,
                               const pario_io_opts *o, MPI_Comm comm)
{
    void *p;
    pario_status st = alloc_handle(&p, sizeof(pario_reader), comm);
    pario_reader *r = p;
    if (r) {
        st = pario_reader_init(r, ds, view, o, comm);
        if (pario_failed(&st)) {
            free(r);
            r = NULL;
        }
    }
    *rp = r;
    return st;
}

void pario_reader_close(pario_reader *r)
{
    if (!r)
        return;
    pario_reader_release(r);
    free(r);
}

uint64_t pario_reader_bytes(const pario_reader *r)
{
    return r->bytes;
}

double pario_reader_io_seconds(const pario_reader *r)
{
    return r->io_seconds;
}

const char *pario_reader_reads_how(const pario_reader *r)
{
    int h5 = pario_h5read_mapped(r);
    return r->map || h5 == 2 ? "from a memory map of the file (no copy)"
           : h5 ? "chunks' stored bytes from a memory map of the file"
           : r->pf ? "read ahead on a thread (overlapped)" : "in turn with the work";
}

MPI_File pario_reader_file(pario_reader *r)
{
    pario_reader_ensure_fh(r); /* a mapped part: opened now (a failure shows as MPI_FILE_NULL) */
    return r->fh;
}

pario_status pario_writer_open(pario_writer **wp, const char *path, const pario_dataset *ds,
                               const pario_view *view, const pario_io_opts *o, MPI_Comm comm)
{
    void *p;
    pario_status st = alloc_handle(&p, sizeof(pario_writer), comm);
    pario_writer *w = p;
    if (w) {
        st = pario_writer_init(w, path, ds, view, o, comm);
        if (pario_failed(&st)) {
            free(w);
            w = NULL;
        }
    }
    *wp = w;
    return st;
}

pario_status pario_writer_close(pario_writer *w, pario_status st, int write_desc)
{
    if (!w)
        return st;
    st = pario_writer_finish(w, st, write_desc);
    free(w);
    return st;
}

int pario_writer_more(const pario_writer *w)
{
    return w->step < w->nsteps;
}

uint64_t pario_writer_bytes(const pario_writer *w)
{
    return w->bytes;
}

MPI_File pario_writer_file(const pario_writer *w)
{
    return w->fh;
}

uint64_t pario_writer_data_offset(const pario_writer *w)
{
    return w->data_offset;
}
