"""Figure extraction: each number of a report with its own words, unit, subject, period and organisation.

One module per step: `sentences` (where a figure is read), `counted` (what a bare number counts),
`outcomes` (what happened to the people counted), `money` (what an amount is), `phrase` (the figure's
own words), `pairs` ('från X till Y'), `figures` (a passage's figures), `rows` (table rows) and `scope`
(subjects resolved within the report's organisation).
"""

from index.extract.figures import extract_figures, period_of
from index.extract.rows import table_row_figures
from index.extract.sentences import SentenceSpan, sentences

__all__ = ["SentenceSpan", "extract_figures", "period_of", "sentences", "table_row_figures"]
