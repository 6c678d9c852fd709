"""The words: lessons and their goals, and the sentences each event is said in
(English and Chinese).
"""
