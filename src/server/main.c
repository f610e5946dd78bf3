/* main.c — placeholder until the server lands in this commit series. */
#include "common/common.h"
int main(void) { return 0; }
