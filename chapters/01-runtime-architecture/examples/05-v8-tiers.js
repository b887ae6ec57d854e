'use strict';
// V8 interprets bytecode first, optimizes hot functions later, and throws the optimized code
// away when an assumption breaks. %-natives are enabled at runtime only for this demo.
//
//   node examples/05-v8-tiers.js
const v8 = require('v8');
v8.setFlagsFromString('--allow-natives-syntax');
// Functions compiled after the flag is set may use %-syntax.
const status = new Function('f', 'return %GetOptimizationStatus(f)');
const prepare = new Function('f', '%PrepareFunctionForOptimization(f)');
const optimizeNext = new Function('f', '%OptimizeFunctionOnNextCall(f)');

function add(a, b) { return a + b; }

function tier(label) {
  const s = status(add);
  // bit 7: running in the Ignition interpreter; bit 4: optimized; bit 6: TurboFan code
  const where = s & (1 << 4) ? (s & (1 << 6) ? 'TurboFan machine code' : 'optimized') :
    s & (1 << 7) ? 'Ignition bytecode' : `status ${s}`;
  console.log(`${label.padEnd(38)} -> ${where}`);
}

add(1, 2);
tier('after first call');
prepare(add);
add(1, 2); add(3, 4);      // collect type feedback: small integers
optimizeNext(add);
add(5, 6);
tier('after optimization with int feedback');
add('five', 'six');        // breaks the "both are small integers" assumption
tier('after a call with strings');
