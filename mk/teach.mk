# teach: the README and the guides installed under $(docdir) and checked by
# tests/examples/docs.sh; the hand-written manual pages pario(7),
# pario-dataset(5) and pario-hints(7).
dist_guide_DATA += README.md doc/datasets.md doc/tools.md doc/views.md doc/reduce.md \
	doc/montecarlo.md doc/text.md doc/train.md doc/options.md doc/clusters.md \
	doc/performance.md doc/testing.md doc/pool.md doc/formats.md doc/csv.md doc/pi.svg

dist_man5_MANS = man/pario-dataset.5
dist_man7_MANS = man/pario.7 man/pario-hints.7

TESTS += tests/examples/docs.sh
EXTRA_DIST += tests/examples/docs.sh tests/examples/install.sh tests/examples/links.py

# The pages name installed documents by their installed paths: @docdir@ and
# @pkgdatadir@ are replaced when installing (as in pario.pc), so that
# `make install prefix=DIR` gives pages that point into DIR.
install-data-hook: install-man-paths
install-man-paths:
	@for f in $(man1_MANS) $(dist_man5_MANS) $(dist_man7_MANS); do \
	  b=$${f##*/}; p='$(DESTDIR)$(mandir)'/man$${b##*.}/$$b; \
	  test -f "$$p" || { echo "install-man-paths: $$p is missing" >&2; exit 1; }; \
	  sed -e 's|[@]docdir[@]|$(docdir)|g' -e 's|[@]pkgdatadir[@]|$(pkgdatadir)|g' "$$p" >"$$p.tmp" && mv -f "$$p.tmp" "$$p" || exit 1; \
	done
.PHONY: install-man-paths
