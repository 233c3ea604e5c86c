# fuzz: placeholder, filled below
