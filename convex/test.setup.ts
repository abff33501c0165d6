// The function modules convex-test loads: every module of convex/ except files with more than
// one dot (tests, this file, *.d.ts), which is the rule `npx convex deploy` uses too.
export const modules = import.meta.glob(["./**/*.*s", "!./**/*.*.*s"]);
