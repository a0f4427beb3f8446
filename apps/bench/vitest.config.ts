import { preset } from '@gateway/vitest-config';

export default preset;
