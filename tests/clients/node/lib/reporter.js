// A node:test reporter that writes one line per top-level test for `cargo xtask test`:
// `pass|fail|skip <TAB> file: test name <TAB> first line of the error (SQLSTATE first)`.
// A file that fails before defining its tests shows up as one failing entry named after it.
import path from 'node:path';

function oneLine(text) {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 400);
}

// The failure's own message (past node:test's wrapper) and, when a server error with a
// SQLSTATE is somewhere in its cause chain (ORMs wrap them), that error's code and message.
function describe(error) {
  const failure = error?.code === 'ERR_TEST_FAILURE' && error.cause ? error.cause : error;
  let server;
  for (let e = failure, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) server = e;
  }
  const message = oneLine(failure?.message ?? failure);
  if (!server) return message;
  const sqlstate = `${server.code} ${oneLine(server.message)}`;
  return server === failure ? sqlstate : `${sqlstate} (${message})`;
}

export default async function* reporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const data = event.data;
    if (data.nesting !== 0) continue;
    const file = data.file ? path.basename(data.file).replace(/\.test\.js$/, '') : 'node';
    const name = data.file && data.name === data.file ? 'loads' : data.name;
    let status = event.type === 'test:pass' ? 'pass' : 'fail';
    if (data.skip !== undefined || data.todo !== undefined) status = 'skip';
    const detail = status === 'fail' ? describe(data.details?.error) : '';
    yield `${status}\t${file}: ${oneLine(name)}\t${detail}\n`;
  }
}
