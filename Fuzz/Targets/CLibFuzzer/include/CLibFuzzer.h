#ifndef KALYPSO_CLIBFUZZER_H
#define KALYPSO_CLIBFUZZER_H
#include <stddef.h>
#include <stdint.h>

/* libFuzzer's driver entry (compiler-rt FuzzerInterface.h), linked in by -sanitize=fuzzer.
   Called from the Swift main of each fuzz target, because SwiftPM renames an executable's main. */
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
