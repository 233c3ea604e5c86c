#!/bin/sh
# Lessons 17-20: shared file pointers, consistency, external32, split collectives.
# Each file is checked byte for byte against what the lesson's definition says it
# holds, computed here in Python; 1-4 ranks.
. "$(dirname "$0")/lib.sh"

for n in 1 2 3 4; do
  # 17: lines in rank order, "rank R: " and R+1 stars
  ex "$n" shared_fp lines.txt; rc=$?
  if ran $rc "shared_fp n=$n"; then
    "$PYTHON3" -c "
import sys
n = $n
want = ''.join('rank %d: %s\n' % (r, '*' * (r % 64 + 1)) for r in range(n))
got = open('lines.txt').read()
line = open('out').read()
ok = got == want and line == '%d ranks wrote %d bytes in rank order; each read its line back: ok\n' % (n, len(want))
sys.exit(0 if ok else 1)" && pass "shared_fp n=$n: file and line" || fail "shared_fp n=$n: $(cat out) / $(head -c 200 lines.txt)"
  fi
  # a stale longer file is replaced, not overwritten in place
  head -c 5000 /dev/zero >lines.txt
  ex "$n" shared_fp lines.txt; rc=$?
  ran $rc "shared_fp n=$n over an old file" && check "shared_fp n=$n: old content gone" \
    test "$(wc -c <lines.txt)" -lt 200

  # 18: both rounds seen by all ranks
  ex "$n" consistency value.bin; rc=$?
  if ran $rc "consistency n=$n"; then
    printf 'sync-barrier-sync: all %d ranks read 42\natomic mode: all %d ranks read 43\n' "$n" "$n" >want
    same_text "consistency n=$n" want out
    check "consistency n=$n: the file holds 43" "$PYTHON3" -c "
import struct, sys; sys.exit(0 if struct.unpack('<i', open('value.bin','rb').read(4))[0] == 43 else 1)"
  fi

  # 19: big-endian ints 0..4n-1
  rm -f portable.bin
  ex "$n" external32 portable.bin; rc=$?
  if ran $rc "external32 n=$n"; then
    check "external32 n=$n: the file is big-endian 0..$((4 * n - 1))" "$PYTHON3" -c "
import struct, sys
b = open('portable.bin', 'rb').read()
sys.exit(0 if b == struct.pack('>%di' % (4 * $n), *range(4 * $n)) else 1)"
    check "external32 n=$n: says so" grep -q "^$n ranks wrote $((4 * n)) ints in external32; read back through the view: ok$" out
  fi

  # 20: doubles 0, 1, 2, ... (B=5 blocks of K=333)
  ex "$n" split_collective blocks.bin 5 333; rc=$?
  if ran $rc "split_collective n=$n"; then
    check "split_collective n=$n: the file is 0..$((5 * 333 * n - 1))" "$PYTHON3" -c "
import struct, sys
b = open('blocks.bin', 'rb').read()
m = 5 * 333 * $n
sys.exit(0 if b == struct.pack('<%dd' % m, *map(float, range(m))) else 1)"
  fi
done
for prog in shared_fp consistency external32 split_collective; do
  ex 2 "$prog"; usage_error $? "$prog without a file" 2 "^$prog: error: usage"
done

finish
