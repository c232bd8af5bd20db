# Times on every page say their zone (the office's, which each request activates): "Jan. 4, 2027, 10 a.m. EST".
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
