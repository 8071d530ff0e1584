// The threads tests of issue 19 that fail on today's main, each on the bug its finding names: they
// are declared with it.fails (test/support/threads.ts), so CI stays green while they fail and turns
// red when one starts to pass. Delete an entry when a fix makes its test pass; each entry left is a
// test that still shows its bug. Names: "<finding> <case> · <core> · <runtime>" (threadsName).
export const KNOWN_FAILING: ReadonlySet<string> = new Set<string>([
]);
