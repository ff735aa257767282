"""The enrollment stepper: a legal guardian's answers for one pupil and one season."""
