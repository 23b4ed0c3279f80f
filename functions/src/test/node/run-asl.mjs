// Runs a state machine definition locally with aws-local-stepfunctions, every Task mocked.
// Usage: node run-asl.mjs <scenario.json>
//
// scenario: {
//   "definition": {...},                   the ASL, placeholders already substituted
//   "input": {...},
//   "context": {"Execution": {...}},       the $$ context object (Id, Name, StartTime)
//   "mocks": {"StateName": [step, ...]}    one step per call, the last one repeats;
//                                          a step is {"result": ...} or {"error": "Name", "cause": "..."}
// }
// Prints one JSON line: {"status", "path" (states entered, in order), "output", "error", "cause",
// "calls" ({state: [inputs]}), "unmocked" ([task states that had no mock])}.
//
// A Task without a mock would call real AWS; here it fails with Test.UnmockedTask and is
// reported, since a catch-all Catch would otherwise hide it.
import { readFileSync } from 'node:fs';

// aws-local-stepfunctions 3.x calls Promise.withResolvers (Node 22+). Without it on Node 20
// every Task throws a TypeError, which a States.ALL Catch routes to the failure path unnoticed.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { StateMachine } = await import('aws-local-stepfunctions');

const scenario = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const states = scenario.definition.States;
const calls = {};
const unmocked = [];
const handlers = {};
const waits = {};
const retries = {};

for (const [name, state] of Object.entries(states)) {
  if (state.Type === 'Wait') waits[name] = 0;
  if (state.Type !== 'Task') continue;
  retries[name] = 0;
  const steps = [...(scenario.mocks[name] ?? [])];
  handlers[name] = async (input) => {
    (calls[name] ??= []).push(input);
    if (steps.length === 0) {
      unmocked.push(name);
      const e = new Error(`no mock for Task state ${name}`);
      e.name = 'Test.UnmockedTask';
      throw e;
    }
    const step = steps.length > 1 ? steps.shift() : steps[0];
    if (step.error) {
      const e = new Error(step.cause ?? step.error);
      e.name = step.error;
      throw e;
    }
    return step.result;
  };
}

const machine = new StateMachine(scenario.definition, {
  validationOptions: { checkArn: true, checkPaths: true },
});
const execution = machine.run(scenario.input, {
  overrides: {
    taskResourceLocalHandlers: handlers,
    waitTimeOverrides: waits,
    retryIntervalOverrides: retries,
  },
  context: scenario.context,
});

const path = [];
const collecting = (async () => {
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') path.push(event.state.name);
  }
})();

const report = { path, calls, unmocked };
try {
  report.output = await execution.result;
  report.status = 'SUCCEEDED';
} catch (e) {
  report.status = 'FAILED';
  report.error = e.cause?.name ?? e.name;
  report.cause = e.cause?.message ?? e.message;
}
await collecting;
process.stdout.write(JSON.stringify(report) + '\n');
