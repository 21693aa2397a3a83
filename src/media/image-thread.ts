import { processImage, type ImageTask } from "./image-task.ts";

// Entry point of the image worker threads (see image-processor.ts).

export default function run(task: ImageTask) {
  return processImage(task);
}
