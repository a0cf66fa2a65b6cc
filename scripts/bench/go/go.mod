module siteaudit/bench

go 1.19
