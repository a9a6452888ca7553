// Mocha's spec output, plus one JSON line of counts appended to $TEST_RESULTS_FILE when it is set,
// so .ci/run can add up the results of every workspace into its closing "N passed, N failed" line.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

const { EVENT_RUN_END } = Mocha.Runner.constants;

class SpecWithCounts extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.TEST_RESULTS_FILE;
      if (!file) return;
      const { passes, failures, pending } = this.stats;
      const suite = process.env.npm_package_name || process.cwd();
      fs.appendFileSync(
        file,
        JSON.stringify({ suite, passed: passes, failed: failures, skipped: pending }) + '\n',
      );
    });
  }
}

module.exports = SpecWithCounts;
