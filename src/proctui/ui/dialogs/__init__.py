"""Small modal screens: a question, a prompt or a note over the main screen."""
