"""Every output is a view of the one model: pages, feed, calendar, stats, screen, posters, report, search."""
