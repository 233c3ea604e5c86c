# views6: the sieve read strategy (issue 11, section 4)
lib_libpario_la_SOURCES += lib/io_read_sieve.c lib/io_read_sieve.h
