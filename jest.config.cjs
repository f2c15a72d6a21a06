/** Root Jest config: every Nx project with a jest.config.cjs, in one run (one summary at the end). */
module.exports = async () => ({
  projects: await require('@nx/jest').getJestProjectsAsync(),
});
