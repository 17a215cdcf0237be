// One line per benchmark suite: name, whether `npm run bench` with no argument runs it, module.
import { register } from './index';

void register;
