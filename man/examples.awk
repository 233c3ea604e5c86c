# help2man turns the "Examples:" lines of --help into one filled paragraph, so
# the commands run together. Keep them one per line: the indented block that
# follows ".SH EXAMPLES" becomes a no-fill block.
/^\.SH / { ex = ($0 == ".SH EXAMPLES") }
ex && !nf && $0 == ".IP" { print ".RS 4"; print ".nf"; nf = 1; next }
nf && /^\./ { print ".fi"; print ".RE"; nf = 0 }
{ print }
