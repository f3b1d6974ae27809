/** Prints one plain closing line that CI tools read, `Tests: N passed, N failed, N skipped`, as the very last
 * line of the run (at exit, after Jest's own summary). */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + (results.numRuntimeErrorTestSuites > 0 && results.numFailedTests === 0 ? 1 : 0);
    const line = `Tests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    process.once('exit', () => process.stdout.write(line));
  }
}
module.exports = SummaryReporter;
