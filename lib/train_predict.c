/* pario-train --predict: the model of a training log applied to every row of a
 * dataset, the predictions written as a new dataset (raw file + descriptor).
 * Rank r predicts a block of rows (the output's block view) and writes them
 * through the chunked writer: a temporary file, renamed when every rank has
 * written, then OUT.yaml. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "pario/io.h"
#include "pario/view.h"
#include "train_internal.h"
#include "train_log.h"
#include "train_model.h"

pario_status pario_train_predict_file(const pario_train_opts *o, uint64_t *rows, MPI_Comm comm)
{
    *rows = 0;
    struct train t;
    memset(&t, 0, sizeof t);
    t.o = o;
    t.comm = comm;
    t.fh = t.lfh = MPI_FILE_NULL;
    MPI_Comm_rank(comm, &t.rank);
    MPI_Comm_size(comm, &t.p);
    pario_train_model model = PARIO_TRAIN_LINEAR;
    uint64_t features = 0, classes = 0;
    pario_status st = pario_trainlog_model(o->predict, &model, &features, &classes, &t.w, comm);
    if (pario_failed(&st))
        return st;
    st = pario_train_open(&t);
    pario_agree(&st, comm);
    if (!pario_failed(&st) && t.f != features)
        st = pario_error(PARIO_ERR_RUNTIME, "%s: %llu features per row; the model in %s was trained on %llu",
                         t.dname, (unsigned long long)t.f, o->predict, (unsigned long long)features);
    t.k = classes;
    t.z = malloc(2 * classes * sizeof *t.z);
    if (!pario_failed(&st) && !t.z)
        st = pario_error(PARIO_ERR_RUNTIME, "out of memory for %llu classes", (unsigned long long)classes);
    pario_dataset out;
    pario_io_opts io = o->io;   /* the output's chunk shape is resolved in this copy */
    /* the predictions name the rows they are of (an HDF5 output's pario_source
     * attribute was empty: a hostile-user pass) */
    char source[PARIO_PATH_MAX + 1024 + 2];
    snprintf(source, sizeof source, "%s%s%s", o->data, o->dataset ? ":" : "", o->dataset ? o->dataset : "");
    io.source = source;
    memset(&out, 0, sizeof out);
    pario_view view;
    memset(&view, 0, sizeof view);
    if (!pario_failed(&st)) {
        out.dtype = model == PARIO_TRAIN_LINEAR ? PARIO_FLOAT64 : PARIO_INT32;
        out.big_endian = !pario_host_little_endian();
        pario_dataset_set_shape(&out, 1, &t.n);
        /* the format from the name, as every writing tool: x.npy, FILE.h5:/dset, else raw + x.yaml */
        st = pario_dataset_set_output(&out, o->out);
        if (!pario_failed(&st))
            st = pario_io_out_check(&io, &out);
        pario_dist d;
        if (!pario_failed(&st))
            st = pario_dist_parse("block", &d);
        if (!pario_failed(&st))
            st = pario_view_build(&out, &d, t.rank, t.p, &view);
    }
    if (pario_agree(&st, comm)) {
        free(t.w);
        pario_view_free(&view);
        pario_train_close(&t);
        return st;
    }
    pario_writer *w;
    st = pario_writer_open(&w, out.path, &out, &view, &io, comm);
    if (pario_failed(&st)) {
        free(t.w);
        pario_view_free(&view);
        pario_train_close(&t);
        return st;
    }
    double *pred = malloc(t.group * sizeof *pred);
    if (!pred)
        st = pario_local_error("out of memory for %llu predictions", (unsigned long long)t.group);
    while (pario_writer_more(w)) {
        size_t n;
        uint64_t local;
        char *buf = pario_writer_buffer(w, &n, &local);
        for (size_t done = 0; done < n && !pario_failed(&st);) {
            uint64_t global, run = pario_view_run(&view, local + done, &global);
            uint64_t m = run < n - done ? run : n - done;
            if (m > t.group)
                m = t.group;
            st = pario_train_read(&t, global, m, 0);
            if (pario_failed(&st))
                break;
            pario_train_predict(model, t.w, t.f, t.k, t.x, m, pred, t.z);
            for (uint64_t i = 0; i < m; i++) {
                if (out.dtype == PARIO_FLOAT64)
                    ((double *)(void *)buf)[done + i] = pred[i];
                else
                    ((int32_t *)(void *)buf)[done + i] = (int32_t)pred[i];
            }
            done += m;
        }
        if (!pario_writer_put(w, &st))
            break;
    }
    st = pario_writer_close(w, st, 1);
    if (!pario_failed(&st))
        *rows = t.n;
    free(pred);
    free(t.w);
    t.w = NULL;
    pario_view_free(&view);
    pario_train_close(&t);
    return st;
}
