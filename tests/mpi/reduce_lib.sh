# Shared by the pario-reduce tests (sourced after lib.sh): each run is recorded in
# a manifest that reduce_ref.py checks against numpy in one pass.
REFPY=$PARIO_SRCDIR/tests/mpi/reduce_ref.py
REF="$PYTHON3 $REFPY"
: > manifest
ALL=sum,min,max,mean,var,std,hist

# mkdata ARGS...: queue the dataset `reduce_ref.py make ARGS...` writes; mkdata_all:
# make every queued one in one Python process (numpy imported once); value FILE:
# the value make gave for FILE (one that occurs in it, for count=V)
: > makes; : > values
mkdata() { echo "$*" >> makes; }
mkdata_all() { $REF makes makes >> values || fail "reduce_ref.py makes: $(tr '\n' ' ' < makes | head -c 300)"; : > makes; }
value() { sed -n "s|^$1 ||p" values; }

# run N OUT DATA ARGS...: one pario-reduce run, recorded for the reference check
run() {
  n=$1 out=$2 data=$3; shift 3
  if mpirun "$n" pario-reduce --format json "$@" "$data" > "$out" 2> "$out.err"; then
    printf '%s\t%s\t%s\n' "$out" "$data" "$*" >> manifest
  else
    fail "pario-reduce -n $n $* $data: exit $?: $(head -c 300 "$out.err")"
  fi
}
