/* stub: being implemented */
#include "gst/trial/jpeg.h"
