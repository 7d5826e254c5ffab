/** PLACEHOLDER (issue 12): replaced by the real handler. */
export const handler = async (): Promise<never> => {
  throw new Error('Not built yet');
};
