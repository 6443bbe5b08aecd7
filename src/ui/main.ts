/** The page entry (index.html): define the elements; <ferry-app> in the page does the rest. */
import { registerFerryElements } from './index.ts';

registerFerryElements();
