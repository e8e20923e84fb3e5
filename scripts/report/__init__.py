"""The analysis report: figures read from the warehouse, charts, and the HTML and Markdown pages."""
