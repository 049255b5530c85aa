"""What a report is and how to read one; pure modules use the standard library only."""
