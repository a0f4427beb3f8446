import { config } from '@gateway/eslint-config';

export default config({ tsconfigRootDir: import.meta.dirname });
