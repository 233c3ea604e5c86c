# Shared by the pario-reduce tests (sourced after lib.sh): each run is recorded in
# a manifest that reduce_ref.py checks against numpy in one pass.
REF="$PYTHON3 $PARIO_SRCDIR/tests/mpi/reduce_ref.py"
: > manifest
ALL=sum,min,max,mean,var,std,hist

# run N OUT DATA ARGS...: one pario-reduce run, recorded for the reference check
run() {
  n=$1 out=$2 data=$3; shift 3
  if mpirun "$n" pario-reduce --format json "$@" "$data" > "$out" 2> "$out.err"; then
    printf '%s\t%s\t%s\n' "$out" "$data" "$*" >> manifest
  else
    fail "pario-reduce -n $n $* $data: exit $?: $(head -c 300 "$out.err")"
  fi
}
