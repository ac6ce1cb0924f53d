"""Qt glue shared by the screen programs: start-up, fonts, the threaded hub link."""
