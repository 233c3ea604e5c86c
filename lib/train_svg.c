/* The SVG of a pario-train log: the mean training loss of every finished epoch
 * (and the accuracy in each point's tooltip), plain SVG 1.1 like pi_svg.c. */
#include "config.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include "pario/train_plot.h"
#include "svg.h"

typedef struct frame {
    double x0, y0, w, h, xlo, xhi, ylo, yhi;
} frame;

static double px(const frame *f, double e) { return f->x0 + (e - f->xlo) / (f->xhi - f->xlo) * f->w; }
/* in halves: a range near the double limit (a loss of 1e308) made inf - inf */
static double py(const frame *f, double v)
{
    return f->y0 + f->h - (v * 0.5 - f->ylo * 0.5) / (f->yhi * 0.5 - f->ylo * 0.5) * f->h;
}

/* Maximum points drawn with a tooltip circle (the polyline has them all). */
#define MAX_MARKS 500

pario_status pario_train_plot_svg(const pario_train_history *h, const pario_plot_opts *o, FILE *out)
{
    uint64_t E = h->epochs;
    if (E == 0)
        return pario_error(PARIO_ERR_RUNTIME, "the log holds no finished epoch");
    /* the finite losses' range (another file's NaN or inf is not drawn) */
    double lo = INFINITY, hi = -INFINITY;
    for (uint64_t e = 0; e < E; e++)
        if (isfinite(h->loss[e])) {
            lo = h->loss[e] < lo ? h->loss[e] : lo;
            hi = h->loss[e] > hi ? h->loss[e] : hi;
        }
    if (!(lo <= hi))
        lo = hi = 0;
    /* A range narrower than a 1e12th of the values is drawn flat: its axis step
     * fell below the values' last bit and the tick loop never passed the top
     * (a linear model's loss of 5.1e15 moving by 1 hung pario-plot). */
    double mag = fmax(fabs(lo), fabs(hi)), pad = (hi * 0.5 - lo * 0.5) * 0.12;
    if (!(pad > mag * 1e-12))
        pad = mag > 0 ? mag * 0.05 : 1e-3;
    int W = o && o->width > 0 ? o->width : 720, H = o && o->height > 0 ? o->height : 440;
    frame f = { 78, 44, W - 78 - 20, H - 44 - 62, 1, E > 1 ? (double)E : 2, fmax(lo - pad, -DBL_MAX),
                fmin(hi + pad, DBL_MAX) };

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"sans-serif\" font-size=\"13\">\n", W, H, W, H);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(out, "<text x=\"%.1f\" y=\"26\" text-anchor=\"middle\" font-size=\"15\">", W / 2.0);
    if (o && o->title)
        pario_svg_text(out, o->title);
    else
        fprintf(out, "pario-train %s, %llu samples, batch %llu, lr %g, seed %llu: %llu epochs",
                pario_train_model_name(h->model), (unsigned long long)h->samples, (unsigned long long)h->batch, h->lr,
                (unsigned long long)h->seed, (unsigned long long)E);
    fprintf(out, "</text>\n");
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n", f.x0,
            f.y0, f.w, f.h);
    /* epochs axis: whole epochs */
    double xs = pario_svg_step(f.xhi - f.xlo, 8);
    if (xs < 1)
        xs = 1;
    for (double e = ceil(f.xlo / xs) * xs; e <= f.xhi + 1e-9; e += xs) {
        double x = px(&f, e);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x, f.y0 + f.h, x,
                f.y0 + f.h + 6);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n", x, f.y0 + f.h + 22, e);
    }
    double ys = pario_svg_step(f.yhi * 0.5 - f.ylo * 0.5, 3), k0 = ceil(f.ylo / ys);
    /* by index, 16 at most (pario_svg_step gives up to 12), finite; each tick
     * (k0 + i) ys, a whole multiple of the step: v0 + i ys overflowed on the
     * way for losses near +-1.7e308 (4 x 5e307), and the ticks above 0 were
     * missing (a hostile-user pass, session 27) */
    for (int i = 0; i < 16 && isfinite((k0 + i) * ys) && (k0 + i) * ys <= f.yhi + ys * 1e-6; i++) {
        double v = (k0 + i) * ys, y = py(&f, v);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", f.x0 - 6, y, f.x0, y);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", f.x0, y,
                f.x0 + f.w, y);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n", f.x0 - 9, y + 4,
                fabs(v) < ys * 1e-6 ? 0.0 : v);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">epoch</text>\n", f.x0 + f.w / 2, f.y0 + f.h + 46);
    fprintf(out, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\">mean training loss</text>\n",
            18.0, f.y0 + f.h / 2);
    uint64_t drawn = 0;
    for (uint64_t e = 0; e < E; e++)
        drawn += isfinite(h->loss[e]) != 0;
    if (drawn) {
        fprintf(out, "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"");
        for (uint64_t e = 0, first = 1; e < E; e++)
            if (isfinite(h->loss[e]))
                fprintf(out, "%s%.3f,%.3f", first ? "" : " ", px(&f, (double)(e + 1)), py(&f, h->loss[e])), first = 0;
        fprintf(out, "\"/>\n");
    }
    if (drawn < E) { /* an overflowed loss is inf or NaN (a finished epoch all the same): said, not drawn */
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#b00\">", f.x0 + f.w / 2, f.y0 + 20);
        if (drawn)
            fprintf(out, "%llu of %llu epochs' losses are not finite (they overflowed): not drawn",
                    (unsigned long long)(E - drawn), (unsigned long long)E);
        else
            fprintf(out, "no finite loss to draw: every epoch's loss overflowed (inf or NaN)");
        fprintf(out, "</text>\n");
    }
    if (E <= MAX_MARKS)
        for (uint64_t e = 0; e < E; e++) {
            if (!isfinite(h->loss[e]))
                continue;
            fprintf(out, "<circle cx=\"%.3f\" cy=\"%.3f\" r=\"2.5\" fill=\"#1f5fbf\"><title>epoch %llu: loss %.17g",
                    px(&f, (double)(e + 1)), py(&f, h->loss[e]), (unsigned long long)e + 1, h->loss[e]);
            if (isfinite(h->accuracy[e]))
                fprintf(out, ", accuracy %.17g", h->accuracy[e]);
            fprintf(out, "</title></circle>\n");
        }
    fprintf(out, "</svg>\n");
    return pario_ok();
}
