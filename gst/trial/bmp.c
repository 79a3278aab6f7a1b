/* stub: being implemented */
#include "gst/trial/bmp.h"
