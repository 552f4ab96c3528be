module wsms/forum

go 1.26
