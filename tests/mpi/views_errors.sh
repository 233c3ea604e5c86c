#!/bin/bash
# Bad input for the view tools: one clear line, the right exit code, no hang, no output.
. "$(dirname "$0")/lib.sh"
mpirun 1 pario-gen --dtype int32 --count 100 --sequence --out one.bin
mpirun 1 pario-gen --dtype int32 --shape 10,10 --sequence --out two.bin
for n in 1 3; do
  expect_error $n 2 "^pario-scatter: error: unknown distribution 'zigzag'" pario-scatter --dist zigzag --out p one.bin
  expect_error $n 2 "^pario-count: error: distribution 'rows' needs a 2-D dataset" pario-count --value 1 --dist rows one.bin
  expect_error $n 2 "^pario-count: error: distribution 'cyclic:x': block size" pario-count --value 1 --dist cyclic:x one.bin
  expect_error $n 2 "^pario-scatter: error: --strategy 'fast'" pario-scatter --strategy fast --out p one.bin
done
expect_error 4 2 "^pario-scatter: error: distribution 'tiles:2x3' needs 6 ranks, but there are 4" pario-scatter --dist tiles:2x3 --out p two.bin
expect_error 2 2 "^pario-scatter: error: distribution 'tiles:1x1' needs 1 rank, but there are 2$" pario-scatter --dist tiles:1x1 --out p two.bin
expect_error 1 2 "^pario-scatter: error: distribution 'tiles:1x2' needs 2 ranks, but there is 1$" pario-scatter --dist tiles:1x2 --out p two.bin
# a prefix with no file name of its own: the parts were hidden files (.0, pd/.0)
mkdir -p pd
for pre in '' pd/ . pd/.. ./; do
  expect_error 3 2 "^pario-scatter: error: --out '$pre': the prefix has no file name \(the parts are PREFIX\.0, PREFIX\.1, \.\.\.\)\$" \
    pario-scatter --out "$pre" one.bin
done
check "no hidden part written" sh -c '! ls -a . pd | grep -Eq "^\.+[0-9]"'
check "no part left by a refused scatter" sh -c '! ls p.* 2>/dev/null | grep -q .'
# gather: a missing part, parts from another rank count, a mismatched --dist
mpirun 3 pario-scatter --dist cyclic:4 --out part one.bin
mv part.1 hidden
expect_error 3 1 "^pario-gather: error: part.1: missing part file for rank 1" pario-gather --out g.bin part
check "no output from a failed gather" sh -c '! ls g.bin* 2>/dev/null | grep -q .'
mv hidden part.1
expect_error 2 2 "^pario-gather: error: part.0: the parts were written by 3 ranks; run with -n 3" pario-gather --out g.bin part
expect_error 3 2 "^pario-gather: error: --dist block does not match the parts, which were cut with cyclic:4" pario-gather --dist block --out g.bin part
check "no output from refused gathers" sh -c '! ls g.bin* 2>/dev/null | grep -q .'
mpirun 3 pario-gather --out g.bin part && check "gather after the errors" cmp -s one.bin g.bin
finish
