"""Services of participation: comments, statements, support and consultation reports."""
