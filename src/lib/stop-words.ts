// Function words and help-center filler that say nothing about a page's subject: dropped from full-text
// queries (candidates), similarity vectors (the offline writer) and generated keywords (tree import).
export const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being below
  between both but by can cannot could did do does doing don down during each either else etc ever every
  few for from further get gets got had has have having he her here hers herself him himself his how i if
  in into is it its itself just let may me might more most much must my myself no nor not now of off on
  once only or other our ours ourselves out over own per please same shall she should so some such than
  that the their theirs them themselves then there these they this those through thus to too under until
  up upon us use used using very via was we were what when where whether which while who whom whose why
  will with within without would yes yet you your yours yourself yourselves`.split(/\s+/u),
);
