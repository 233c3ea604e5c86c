/* The SVG of a pario-pi log: plain SVG 1.1 elements, no scripts, no external
 * fonts or styles, so any browser shows it and it can sit in a README. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pario/pi_plot.h"
#include "svg.h"

typedef struct frame {
    double x0, y0, w, h;       /* plot area in pixels */
    double lx0, lx1;           /* log10 of the samples axis range */
    double ylo, yhi;           /* value range (of estimate, or estimate - pi) */
    double shift;              /* subtracted from values: 0 or pi */
} frame;

static double px(const frame *f, double n) { return f->x0 + (log10(n) - f->lx0) / (f->lx1 - f->lx0) * f->w; }
static double py(const frame *f, double v) { return f->y0 + f->h - (v - f->shift - f->ylo) / (f->yhi - f->ylo) * f->h; }

static void axes(FILE *out, const frame *f, const char *ylabel)
{
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#333\"/>\n",
            f->x0, f->y0, f->w, f->h);
    /* samples: a labelled tick per decade, small ticks at 2..9 */
    for (int d = (int)f->lx0; d <= (int)f->lx1; d++) {
        for (int m = 1; m <= 9; m++) {
            double n = m * pow(10, d), lx = log10(n);
            if (lx < f->lx0 - 1e-9 || lx > f->lx1 + 1e-9)
                continue;
            double x = px(f, n), len = m == 1 ? 7 : 4;
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", x, f->y0 + f->h,
                    x, f->y0 + f->h + len);
            if (m == 1) {
                fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x, f->y0, x,
                        f->y0 + f->h);
                fprintf(out,
                        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">10<tspan dy=\"-6\" font-size=\"10\">%d</tspan></text>\n",
                        x, f->y0 + f->h + 24, d);
            }
        }
    }
    double step = pario_svg_step(f->yhi - f->ylo, 6);
    int decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    for (double v = ceil(f->ylo / step) * step; v <= f->yhi + step * 1e-6; v += step) {
        double y = py(f, v + f->shift);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", f->x0 - 6, y, f->x0, y);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", f->x0, y,
                f->x0 + f->w, y);
        if (f->shift != 0)
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n", f->x0 - 9, y + 4,
                    fabs(v) < step * 1e-6 ? 0.0 : v);
        else
            fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.*f</text>\n", f->x0 - 9, y + 4, decimals, v);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">samples (log scale)</text>\n", f->x0 + f->w / 2,
            f->y0 + f->h + 46);
    fprintf(out, "<text transform=\"translate(%.1f,%.1f) rotate(-90)\" text-anchor=\"middle\">%s</text>\n", 18.0,
            f->y0 + f->h / 2, ylabel);
}

static void legend(FILE *out, const frame *f)
{
    double x = f->x0 + f->w - 212, y = f->y0 + 10;
    fprintf(out, "<g font-size=\"12\">\n<rect x=\"%.1f\" y=\"%.1f\" width=\"202\" height=\"66\" fill=\"white\" "
                 "fill-opacity=\"0.9\" stroke=\"#999\"/>\n", x, y);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\">running estimate</text>\n", x + 10, y + 16, x + 40, y + 16, x + 48, y + 20);
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"30\" height=\"12\" fill=\"#9ec1f0\" fill-opacity=\"0.6\"/>"
                 "<text x=\"%.1f\" y=\"%.1f\">&#177;2 standard errors</text>\n", x + 10, y + 28, x + 48, y + 38);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c0392b\" stroke-width=\"1.5\" "
                 "stroke-dasharray=\"6,4\"/><text x=\"%.1f\" y=\"%.1f\">&#960; = 3.14159265&#8230;</text>\n</g>\n",
            x + 10, y + 52, x + 40, y + 52, x + 48, y + 56);
}

pario_status pario_pi_plot_svg(const pario_pi_history *h, const pario_plot_opts *o, FILE *out)
{
    if (h->rounds == 0)
        return pario_error(PARIO_ERR_RUNTIME, "the log holds no complete round");
    uint64_t R = h->rounds;
    double *n = malloc(R * sizeof *n);
    if (!n)
        return pario_local_error("out of memory");
    double total = 0, dev = 0;
    for (uint64_t r = 0; r < R; r++) {
        for (uint64_t c = 0; c < h->cols; c++)
            total += (double)h->samples[r * h->cols + c];
        n[r] = total;
        double e = fabs(h->estimate[r] - PARIO_PI_TRUE), s = h->std_err[r];
        if (isfinite(s) && 2 * s > e)
            e = 2 * s;
        if (e > dev)
            dev = e;
    }
    int W = o && o->width > 0 ? o->width : 720, H = o && o->height > 0 ? o->height : 440;
    frame f = { 78, 44, W - 78 - 20, H - 44 - 62, 0, 0, 0, 0, 0 };
    f.lx0 = floor(log10(n[0]));
    /* end a little after the data, at least one decade wide */
    f.lx1 = log10(n[R - 1]) + 0.05;
    if (f.lx1 < f.lx0 + 1)
        f.lx1 = f.lx0 + 1;
    if (!(dev > 0))
        dev = 1e-3;
    dev *= 1.15;
    /* tiny deviations (midpoint) read better as offsets from pi */
    f.shift = dev < 1e-5 ? PARIO_PI_TRUE : 0;
    f.ylo = PARIO_PI_TRUE - f.shift - dev;
    f.yhi = PARIO_PI_TRUE - f.shift + dev * 1.5; /* room for the legend */

    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                 "font-family=\"sans-serif\" font-size=\"13\">\n", W, H, W, H);
    fprintf(out, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(out, "<defs><clipPath id=\"plot\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n",
            f.x0, f.y0, f.w, f.h);
    fprintf(out, "<text x=\"%.1f\" y=\"26\" text-anchor=\"middle\" font-size=\"15\">", W / 2.0);
    if (o && o->title) {
        pario_svg_text(out, o->title);
    } else {
        fprintf(out, "pario-pi %s", pario_pi_method_name(h->p.method));
        if (h->p.method == PARIO_PI_DARTS)
            fprintf(out, ", seed %llu", (unsigned long long)h->p.seed);
        fprintf(out, ", %llu round%s of %llu sample%s", (unsigned long long)R, R == 1 ? "" : "s",
                (unsigned long long)h->p.samples, h->p.samples == 1 ? "" : "s");
    }
    fprintf(out, "</text>\n");
    axes(out, &f, f.shift != 0 ? "estimate &#8722; &#960;" : "estimate of &#960;");

    fprintf(out, "<g clip-path=\"url(#plot)\">\n");
    /* the band: upper edge forward, lower edge back, over rounds with a stderr */
    int nband = 0;
    for (uint64_t r = 0; r < R; r++)
        nband += isfinite(h->std_err[r]);
    if (nband >= 2) {
        fprintf(out, "<polygon fill=\"#9ec1f0\" fill-opacity=\"0.6\" stroke=\"none\" points=\"");
        for (uint64_t r = 0; r < R; r++)
            if (isfinite(h->std_err[r]))
                fprintf(out, "%.2f,%.2f ", px(&f, n[r]), py(&f, h->estimate[r] + 2 * h->std_err[r]));
        for (uint64_t r = R; r-- > 0;)
            if (isfinite(h->std_err[r]))
                fprintf(out, "%.2f,%.2f ", px(&f, n[r]), py(&f, h->estimate[r] - 2 * h->std_err[r]));
        fprintf(out, "\"/>\n");
    } else {
        for (uint64_t r = 0; r < R; r++)
            if (isfinite(h->std_err[r]))
                fprintf(out, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#9ec1f0\" stroke-width=\"6\"/>\n",
                        px(&f, n[r]), py(&f, h->estimate[r] + 2 * h->std_err[r]), px(&f, n[r]),
                        py(&f, h->estimate[r] - 2 * h->std_err[r]));
    }
    fprintf(out, "<line x1=\"%.1f\" y1=\"%.2f\" x2=\"%.1f\" y2=\"%.2f\" stroke=\"#c0392b\" stroke-width=\"1.5\" "
                 "stroke-dasharray=\"6,4\"/>\n", f.x0, py(&f, PARIO_PI_TRUE), f.x0 + f.w, py(&f, PARIO_PI_TRUE));
    fprintf(out, "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"");
    for (uint64_t r = 0; r < R; r++)
        fprintf(out, "%.2f,%.2f ", px(&f, n[r]), py(&f, h->estimate[r]));
    fprintf(out, "\"/>\n");
    if (R <= 60)
        for (uint64_t r = 0; r < R; r++)
            fprintf(out, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"#1f5fbf\"/>\n", px(&f, n[r]),
                    py(&f, h->estimate[r]));
    fprintf(out, "</g>\n");
    legend(out, &f);
    fprintf(out, "</svg>\n");
    free(n);
    return pario_ok();
}
