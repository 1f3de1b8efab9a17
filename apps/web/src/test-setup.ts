import { configure } from "@testing-library/react";

// findBy*/waitFor wait for what they look for, not for a fixed second: on a loaded CI machine the first render of a
// lazily imported page alone can take longer than testing-library's 1 s default (app.test.tsx's sign-in failed so).
configure({ asyncUtilTimeout: 15_000 });
