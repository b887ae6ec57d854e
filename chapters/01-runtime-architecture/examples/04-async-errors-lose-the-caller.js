'use strict';
// Where the JS stack comes from when C++ calls back into JavaScript.
//
//   node examples/04-async-errors-lose-the-caller.js
const fs = require('fs');

const show = (title, stack) =>
  console.log(`${title}\n  ${stack.split(__dirname).join('.').split('\n').join('\n  ')}\n`);

function handleRequest(next) {
  // sync: the error is thrown while handleRequest is still on the stack
  try { fs.readFileSync('/definitely/missing'); } catch (err) {
    show('readFileSync error:', err.stack.split('\n').slice(0, 4).join('\n'));
  }
  // callback API: the error object is built in C++ after a pool thread did the open()
  fs.readFile('/definitely/missing', (err) => {
    show('readFile (callback) error:', err.stack);
    show('stack of that callback itself:', new Error('probe').stack.split('\n').slice(1, 4).join('\n'));
    next();
  });
}

async function handleRequestAsync() {
  try { await fs.promises.readFile('/definitely/missing'); } catch (err) {
    show('fs.promises error awaited inside an async function:', err.stack);
  }
}

handleRequest(() => {
  fs.promises.readFile('/definitely/missing').catch((err) => {
    show('fs.promises error handled with .catch (no await):', err.stack);
    handleRequestAsync();
  });
});
