#include "core/shared_work.h"

namespace mlpscope {

namespace {
thread_local SpinWorker* this_threads_helper = nullptr;
}  // namespace

SharedWork::SharedWork(SpinWorker& helper) : previous_(this_threads_helper) {
  this_threads_helper = &helper;
}

SharedWork::~SharedWork() { this_threads_helper = previous_; }

SpinWorker* SharedWork::helper() { return this_threads_helper; }

}  // namespace mlpscope
