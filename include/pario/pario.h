/* pario: parallel data processing with MPI-IO. One header for everything. */
#ifndef PARIO_H
#define PARIO_H
#include "pario/status.h"
#include "pario/dtype.h"
#include "pario/dataset.h"
#include "pario/fileutil.h"
#include "pario/view.h"
#include "pario/io.h"
#include "pario/output.h"
#include "pario/progress.h"
#include "pario/opts.h"
#include "pario/kernels.h"
#include "pario/count.h"
#include "pario/gen.h"
#include "pario/rng.h"
#include "pario/parts.h"
#include "pario/cast.h"
#include "pario/exchange.h"
#include "pario/convert.h"
#endif
